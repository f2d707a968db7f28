//> mode = "parse"
ruleset t.cond_test_or {
  // `a || b => c | d` is `(a || b) => c | d`.
  global {
    x = a || b => c | d
  }
}
