//> mode = "parse"
ruleset t.decl_minus {
  // Matches pico-engine: `a = 1 - 2`.
  global {
    a = 1
    -2
  }
}
