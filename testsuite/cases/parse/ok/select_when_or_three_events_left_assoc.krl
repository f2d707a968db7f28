//> mode = "parse"
ruleset t.or3 {
  rule r {
    select when a b or c d or e f
    noop()
  }
}
