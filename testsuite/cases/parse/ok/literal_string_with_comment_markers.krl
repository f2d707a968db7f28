//> mode = "parse"
ruleset t.string_comments {
  global {
    url = "https://example.com/a//b"
    glob = "/* not a comment */"
  }
}
