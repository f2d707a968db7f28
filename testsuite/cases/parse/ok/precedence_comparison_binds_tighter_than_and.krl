//> mode = "parse"
ruleset t.cmp_and {
  global {
    a = x > 1 && y < 2 || z == 3
  }
}
