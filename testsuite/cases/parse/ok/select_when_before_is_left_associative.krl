//> mode = "parse"
ruleset t.before_assoc {
  rule r {
    select when a b before c d before e f
    noop()
  }
}
