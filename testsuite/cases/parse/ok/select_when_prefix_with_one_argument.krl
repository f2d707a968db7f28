//> mode = "parse"
ruleset t.prefix_one {
  rule r {
    select when or(a x)
    noop()
  }
}
