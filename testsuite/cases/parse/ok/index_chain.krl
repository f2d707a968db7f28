//> mode = "parse"
ruleset t.index {
  global {
    m = [[1, 2], [3, 4]]
    x = m[1][0]
    y = m[0 + 1][m[0][0]]
  }
}
