//> mode = "parse"
// FIXME(#2): a missing count after `any` should be E0114 ("expected a positive integer"), not
//  a bare "unexpected `(`" that names nothing expected.
ruleset t.any_no_n {
  rule r {
    select when any (a b, c d)
//                  ^ error[E0100]
    noop()
  }
}
