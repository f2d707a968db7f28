//> mode = "parse"
ruleset t.between_prec {
  rule r {
    select when a b before c d between(e f, g h)
    noop()
  }
}
