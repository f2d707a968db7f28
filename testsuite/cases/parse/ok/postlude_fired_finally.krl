//> mode = "parse"
ruleset t.fired_finally {
  rule r {
    select when t x
    noop()
    fired {
      ent:a := 1
    } finally {
      ent:b := 2
    }
  }
}
