//> mode = "parse"
ruleset t.domain_keyword {
  rule r {
    select when schedule fired or event raised or pre start
    noop()
  }
}
