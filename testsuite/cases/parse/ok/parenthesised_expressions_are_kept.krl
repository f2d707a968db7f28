//> mode = "parse"
ruleset t.parens {
  global {
    a = (1 + 2) * 3
    b = ((x))
    c = (f)(1)
  }
}
