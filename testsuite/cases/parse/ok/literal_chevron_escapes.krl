//> mode = "parse"
ruleset t.chevron_escapes {
  global {
    text = <<a\>b and \#{not a beesting} and a backslash \\>>
  }
}
