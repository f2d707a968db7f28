ruleset tutorial.broken {
  rule r {
    select when a b
    noop(
  }
}
