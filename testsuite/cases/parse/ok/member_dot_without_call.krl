//> mode = "parse"
ruleset t.dot {
  global {
    n = [1, 2].length
  }
}
