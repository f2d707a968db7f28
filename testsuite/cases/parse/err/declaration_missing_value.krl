//> mode = "parse"
// FIXME(#2): a declaration without a value in `global` is reported as E0111 "unsupported meta
//  key `b`"; it should say that an expression is missing after `=`.
ruleset t.no_value {
  global {
    a =
    b = 2
//  ^ error[E0111]
  }
}
