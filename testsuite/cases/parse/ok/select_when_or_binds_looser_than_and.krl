//> mode = "parse"
ruleset t.prec_or_and {
  // `a b or c d and e f` is `or(a:b, and(c:d, e:f))`.
  rule r {
    select when a b or c d and e f
    noop()
  }
}
