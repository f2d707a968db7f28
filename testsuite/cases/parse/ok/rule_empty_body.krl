//> mode = "parse"
ruleset t.rule_empty {
  rule nothing {
  }
}
