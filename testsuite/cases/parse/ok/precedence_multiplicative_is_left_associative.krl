//> mode = "parse"
ruleset t.mul_assoc {
  global {
    a = 8 / 4 / 2
    b = 7 % 4 * 2
  }
}
