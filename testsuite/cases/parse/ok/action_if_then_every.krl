//> mode = "parse"
ruleset t.if_every {
  rule r {
    select when t x
    if event:attrs{"ok"} then every {
      send_directive("one")
      send_directive("two")
    }
  }
}
