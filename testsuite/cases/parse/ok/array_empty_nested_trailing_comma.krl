//> mode = "parse"
ruleset t.arrays {
  global {
    empty = []
    nested = [[1, 2], [3, [4]]]
    trailing = [1, 2, 3,]
  }
}
