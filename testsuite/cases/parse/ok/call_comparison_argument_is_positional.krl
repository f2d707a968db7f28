//> mode = "parse"
ruleset t.eq_arg {
  // Only `name = value` is a named argument; `==` is a comparison.
  global {
    f = function(x) { x }
    y = f(x == 1)
  }
}
