//> mode = "parse"
ruleset t.missing_close {
  rule r {
    select when t x
    noop()
  }
// ^ error[E0101]
