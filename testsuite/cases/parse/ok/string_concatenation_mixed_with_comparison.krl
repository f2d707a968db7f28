//> mode = "parse"
ruleset t.concat {
  global {
    msg = "a" + 1 + 2 == "a12"
  }
}
