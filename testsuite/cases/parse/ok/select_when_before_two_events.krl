//> mode = "parse"
ruleset t.before2 {
  rule r {
    select when door opened before door closed
    noop()
  }
}
