//> mode = "parse"
ruleset t.shares {
  meta {
    shares readings, latest
    share history
  }
}
