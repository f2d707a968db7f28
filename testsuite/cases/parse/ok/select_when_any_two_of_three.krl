//> mode = "parse"
ruleset t.any {
  rule r {
    select when any 2 (sensor hot, sensor humid, sensor dark)
    noop()
  }
}
