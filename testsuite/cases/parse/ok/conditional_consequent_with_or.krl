//> mode = "parse"
ruleset t.cond_then_or {
  global {
    x = a => b || c | d
  }
}
