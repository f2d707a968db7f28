//> mode = "parse"
ruleset t.fired_else_finally {
  rule r {
    select when t x
    noop()
    fired {
      ent:a := 1
    } else {
      ent:a := 0
    } finally {
      ent:b := 2
    }
  }
}
