//> mode = "parse"
ruleset t.fired {
  rule r {
    select when t x
    noop()
    fired {
      ent:count := ent:count.defaultsTo(0) + 1
    }
  }
}
