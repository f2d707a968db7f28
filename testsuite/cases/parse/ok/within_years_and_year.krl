//> mode = "parse"
ruleset t.within_years {
  rule singular {
    select when a b then c d within 1 year
    noop()
  }
  rule plural {
    select when a b then c d within 3 years
    noop()
  }
}
