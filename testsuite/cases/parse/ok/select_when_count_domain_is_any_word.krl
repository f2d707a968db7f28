//> mode = "parse"
ruleset t.count_domain {
  // Inside `count`/`repeat` the domain may be any word, even an operator word.
  rule r {
    select when count 2 (and pressed)
    noop()
  }
}
