//> mode = "parse"
ruleset t.pre_empty {
  rule r {
    select when t x
    pre {
    }
    noop()
  }
}
