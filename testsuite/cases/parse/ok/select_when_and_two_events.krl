//> mode = "parse"
ruleset t.and2 {
  rule r {
    select when door opened and light on
    noop()
  }
}
