//> mode = "parse"
ruleset t.string_escapes {
  // Matches pico-engine: only \" and \\ are decoded; other escapes stay verbatim.
  global {
    quote = "say \"hi\""
    backslash = "a\\b"
    kept = "tab\tnewline\n"
    empty = ""
  }
}
