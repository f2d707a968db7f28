//> mode = "parse"
ruleset t.trailing {
  rule r {
    select when t x
    send_directive("done", {"a": 1},)
  }
}
