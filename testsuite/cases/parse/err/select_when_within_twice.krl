//> mode = "parse"
// FIXME(#2): a second `within` is reported as E0111 "unsupported meta key `within`" inside a
//  rule; it should say that a `select when` takes one `within`.
ruleset t.within_twice {
  rule r {
    select when a b before c d within 5 minutes within 3 seconds
//                                              ^^^^^^ error[E0111]
    noop()
  }
}
