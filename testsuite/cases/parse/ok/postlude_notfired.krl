//> mode = "parse"
ruleset t.notfired {
  rule r {
    select when t x
    if false then noop()
    notfired {
      ent:misses := ent:misses.defaultsTo(0) + 1
    }
  }
}
