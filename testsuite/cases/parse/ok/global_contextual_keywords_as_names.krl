//> mode = "parse"
// Contextual keywords can be declared; operator words like `count` too (but not used).
ruleset t.global_keywords {
  global {
    select = 1
    event = 2
    count = 3
    schedule = select + event
  }
}
