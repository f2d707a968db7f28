//> mode = "parse"
ruleset t.nested_prefix {
  rule r {
    select when or(a b and c d, any 1 (e f, g h), count 2 (i j))
    noop()
  }
}
