//> mode = "parse"
ruleset t.string_lines {
  global {
    poem = "roses are red,
      violets are blue"
  }
}
