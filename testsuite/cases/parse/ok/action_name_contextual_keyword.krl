//> mode = "parse"
ruleset t.action_keyword {
  rule r {
    // Contextual keywords like `log` or `schedule` can name an action.
    select when t x
    every {
      log("hi")
      schedule:remove(ent:job)
    }
  }
}
