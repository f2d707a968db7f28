//> mode = "parse"
ruleset t.configure {
  meta {
    configure using threshold = 30 unit = "C"; interval = 5
    provides threshold
  }
}
