//> mode = "parse"
ruleset t.decl {
  rule r {
    select when t x
    fired {
      next = ent:n.defaultsTo(0) + 1;
      ent:n := next
    }
  }
}
