//> mode = "parse"
ruleset t.within_months {
  rule singular {
    select when a b then c d within 1 month
    noop()
  }
  rule plural {
    select when a b then c d within 3 months
    noop()
  }
}
