//> mode = "parse"
ruleset t.and_or {
  global {
    a = x || y && z
    b = x && y || z
    c = x || y || z
  }
}
