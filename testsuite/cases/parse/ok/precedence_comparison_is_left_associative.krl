//> mode = "parse"
ruleset t.cmp_assoc {
  // `a < b < c` is `(a < b) < c`.
  global {
    a = 1 < 2 < 3
    b = x == y != z
  }
}
