//> mode = "parse"
ruleset t.cond_arg {
  global {
    x = f(a => 1 | 2, b => 3 | 4)
  }
}
