//> mode = "parse"
ruleset t.active {
  rule r is active {
    select when t a
    noop()
  }
}
