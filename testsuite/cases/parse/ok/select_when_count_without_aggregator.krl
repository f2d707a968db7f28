//> mode = "parse"
ruleset t.count {
  rule r {
    select when count 3 (button pressed)
    noop()
  }
}
