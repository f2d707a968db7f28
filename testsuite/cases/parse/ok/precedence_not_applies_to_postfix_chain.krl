//> mode = "parse"
ruleset t.not_postfix {
  global {
    a = not x.isEmpty()
    b = not m{"k"}[0]
  }
}
