//> mode = "parse"
ruleset t.cond_paren {
  global {
    x = a => (b => c | d) | e
  }
}
