//> mode = "parse"
ruleset t.no_action {
  rule r {
    select when t x
    fired {
      ent:x := 1
    }
  }
}
