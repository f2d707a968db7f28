//> mode = "parse"
// FIXME(#2): `rule {` is reported as E0102 "expected `then` after the condition"; it should
//  say that the rule needs a name.
ruleset t.rule_name {
  rule {
//     ^ error[E0102]
    select when t x
    noop()
  }
}
