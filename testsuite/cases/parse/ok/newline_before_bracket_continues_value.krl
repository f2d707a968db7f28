//> mode = "parse"
ruleset t.newline_bracket {
  // Matches pico-engine: newlines are not significant, so this is `x = y[1]`.
  global {
    x = y
    [1]
  }
}
