//> mode = "parse"
ruleset t.rule_no_select {
  rule r {
    noop()
  }
}
