//> mode = "parse"
ruleset t.rule_string {
  rule "greet" {
//     ^^^^^^^ error[E0100]
    select when a b
    noop()
  }
}
