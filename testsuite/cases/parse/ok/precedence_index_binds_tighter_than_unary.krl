//> mode = "parse"
ruleset t.neg_index {
  global {
    a = -m[0]
    b = -m{"k"}
  }
}
