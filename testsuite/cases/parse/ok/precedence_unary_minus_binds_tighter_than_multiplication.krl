//> mode = "parse"
ruleset t.neg_mul {
  global {
    a = - 2 * 3
    b = -a + b
    c = a - -b
  }
}
