//> mode = "parse"
ruleset t.within_twice {
  rule r {
    select when a b before c d within 5 minutes within 3 seconds
//                                              ^^^^^^ error[E0100]
    noop()
  }
}
