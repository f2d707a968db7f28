//> mode = "parse"
ruleset t.not_cmp {
  // `not a == b` is `(not a) == b`.
  global {
    a = not a == b
    b = not a && b
    c = not (a == b)
  }
}
