//> mode = "parse"
ruleset t.fired_else {
  rule r {
    select when t x
    if false then noop()
    fired {
      ent:result := "fired"
    } else {
      ent:result := "not fired"
    }
  }
}
