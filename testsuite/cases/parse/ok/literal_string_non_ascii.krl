//> mode = "parse"
ruleset t.string_unicode {
  global {
    greeting = "héllo wörld ☃"
    emoji = "😀"
  }
}
