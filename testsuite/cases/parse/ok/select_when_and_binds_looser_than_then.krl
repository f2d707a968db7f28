//> mode = "parse"
ruleset t.prec_and_then {
  // `a b then c d and e f` is `and(then(a:b, c:d), e:f)`.
  rule r {
    select when a b then c d and e f
    noop()
  }
}
