//> mode = "parse"
ruleset t.rule_is {
  rule r is paused {
//          ^^^^^^ error[E0100]
    select when t x
    noop()
  }
}
