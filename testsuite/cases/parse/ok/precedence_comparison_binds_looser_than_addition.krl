//> mode = "parse"
ruleset t.cmp_add {
  global {
    a = 1 + 2 < 3 * 4
    b = x - 1 == y + 1
  }
}
