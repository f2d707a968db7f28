//> mode = "parse"
ruleset t.noop {
  rule r {
    select when t x
    noop()
  }
}
