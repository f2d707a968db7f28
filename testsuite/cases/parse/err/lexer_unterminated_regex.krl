//> mode = "parse"
ruleset t.regex {
  global {
    r = re#never closed
//      ^^^ error[E0003]
  }
}
