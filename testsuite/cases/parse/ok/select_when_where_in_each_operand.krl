//> mode = "parse"
ruleset t.where_each {
  rule r {
    select when a b where x > 1 or c d where y < 2
    noop()
  }
}
