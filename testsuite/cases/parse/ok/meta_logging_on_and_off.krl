//> mode = "parse"
ruleset t.logging {
  meta {
    logging on
    logging off
  }
}
