//> mode = "parse"
// Contextual keywords are ordinary names in a shares list.
ruleset t.shares_keywords {
  meta {
    shares select, event, schedule, push
  }
}
