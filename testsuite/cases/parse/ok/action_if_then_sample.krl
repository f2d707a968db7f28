//> mode = "parse"
ruleset t.if_sample {
  rule r {
    select when t x
    if true then sample {
      send_directive("heads")
      send_directive("tails")
    }
  }
}
