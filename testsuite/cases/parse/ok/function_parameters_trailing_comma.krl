//> mode = "parse"
ruleset t.fn_trailing {
  global {
    add = function(a, b,) { a + b }
  }
}
