//> mode = "parse"
// FIXME(#2): a quoted rule name is reported as E0102 "expected `then` after the condition"; it
//  should say that a rule name is a bare word.
ruleset t.rule_string {
  rule "greet" {
//     ^^^^^^^ error[E0102]
    select when a b
    noop()
  }
}
