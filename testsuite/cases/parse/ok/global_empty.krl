//> mode = "parse"
ruleset t.global_empty {
  global {
  }
}
