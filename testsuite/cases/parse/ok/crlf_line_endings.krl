//> mode = "parse"
ruleset t.crlf {
  global {
    a = 1
  }
}
