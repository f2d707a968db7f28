//> mode = "parse"
ruleset t.newline_paren {
  // Matches pico-engine: this is `x = f(1)(2)`.
  global {
    x = f(1)
    (2)
  }
}
