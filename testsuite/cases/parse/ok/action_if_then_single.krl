//> mode = "parse"
ruleset t.if_then {
  rule r {
    select when t x
    pre {
      temp = event:attrs{"temp"}.as("Number")
    }
    if temp > 30 then send_directive("hot")
  }
}
