//> mode = "parse"
ruleset t.if_choose {
  rule r {
    select when t x
    if event:attrs >< "kind" then choose event:name {
      a => send_directive("a")
    }
  }
}
