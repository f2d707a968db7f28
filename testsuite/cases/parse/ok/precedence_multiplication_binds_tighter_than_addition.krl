//> mode = "parse"
ruleset t.mul_add {
  global {
    a = 1 + 2 * 3
    b = 1 * 2 + 3
    c = 10 - 4 / 2 % 3
  }
}
