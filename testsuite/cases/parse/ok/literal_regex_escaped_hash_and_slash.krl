//> mode = "parse"
ruleset t.regex_escape {
  global {
    hash = re#a\#b#
    slash = re#a/b#
    empty = re##
  }
}
