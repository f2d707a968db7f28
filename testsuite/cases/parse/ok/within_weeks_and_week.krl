//> mode = "parse"
ruleset t.within_weeks {
  rule singular {
    select when a b then c d within 1 week
    noop()
  }
  rule plural {
    select when a b then c d within 3 weeks
    noop()
  }
}
