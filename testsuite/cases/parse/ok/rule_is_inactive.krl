//> mode = "parse"
ruleset t.inactive {
  rule r is inactive {
    select when t a
    noop()
  }
}
