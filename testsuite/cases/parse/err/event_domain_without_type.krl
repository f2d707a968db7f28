//> mode = "parse"
ruleset t.no_type {
  rule r {
    select when sensor
    noop()
//      ^ error[E0100]
  }
}
