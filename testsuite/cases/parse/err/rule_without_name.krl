//> mode = "parse"
ruleset t.rule_name {
  rule {
//     ^ error[E0100]
    select when t x
    noop()
  }
}
