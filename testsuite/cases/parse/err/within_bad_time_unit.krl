//> mode = "parse"
ruleset t.bad_unit {
  rule r {
    select when a b before c d within 5 fortnights
//                                      ^^^^^^^^^^ error[E0112]
    noop()
  }
}
