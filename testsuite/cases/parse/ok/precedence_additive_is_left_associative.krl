//> mode = "parse"
ruleset t.add_assoc {
  global {
    a = 1 - 2 - 3
    b = 1 + 2 - 3 + 4
  }
}
