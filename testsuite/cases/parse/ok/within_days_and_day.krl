//> mode = "parse"
ruleset t.within_days {
  rule singular {
    select when a b then c d within 1 day
    noop()
  }
  rule plural {
    select when a b then c d within 3 days
    noop()
  }
}
