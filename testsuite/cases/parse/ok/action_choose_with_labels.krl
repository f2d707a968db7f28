//> mode = "parse"
ruleset t.choose {
  rule r {
    select when t x
    choose event:name {
      start => send_directive("starting")
      stop => send_directive("stopping")
    }
  }
}
