//> mode = "parse"
ruleset t.newline_brace {
  // Matches pico-engine: this is the path `m{"k"}`.
  global {
    x = m
    {"k"}
  }
}
