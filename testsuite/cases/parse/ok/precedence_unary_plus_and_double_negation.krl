//> mode = "parse"
ruleset t.unary_plus {
  global {
    a = +x
    b = - -x
    c = not not x
    d = -(x + 1)
  }
}
