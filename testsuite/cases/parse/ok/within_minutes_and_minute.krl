//> mode = "parse"
ruleset t.within_minutes {
  rule singular {
    select when a b then c d within 1 minute
    noop()
  }
  rule plural {
    select when a b then c d within 3 minutes
    noop()
  }
}
