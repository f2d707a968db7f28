//> mode = "parse"
ruleset t.within_seconds {
  rule singular {
    select when a b then c d within 1 second
    noop()
  }
  rule plural {
    select when a b then c d within 3 seconds
    noop()
  }
}
