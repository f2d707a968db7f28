//> mode = "parse"
ruleset t.within_expr {
  rule r {
    select when a b before c d within 1 + 2 minutes
    noop()
  }
}
