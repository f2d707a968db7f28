//> mode = "parse"
ruleset t.prefix_and {
  rule r {
    select when and(a x, b y, c z)
    noop()
  }
}
