//> mode = "parse"
ruleset t.prefix_or {
  rule r {
    select when or(a x, b y, c z, d w)
    noop()
  }
}
