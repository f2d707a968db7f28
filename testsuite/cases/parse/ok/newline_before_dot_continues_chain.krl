//> mode = "parse"
ruleset t.newline_dot {
  global {
    x = "a,b"
      .split(",")
      .length()
  }
}
