//> mode = "parse"
ruleset t.within_hours {
  rule singular {
    select when a b then c d within 1 hour
    noop()
  }
  rule plural {
    select when a b then c d within 3 hours
    noop()
  }
}
