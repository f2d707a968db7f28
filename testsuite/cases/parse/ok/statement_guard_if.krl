//> mode = "parse"
ruleset t.guard_if {
  rule r {
    select when t x
    always {
      ent:n := ent:n + 1 if ent:n < 10;
      raise t event "full" if ent:n >= 10;
      last if ent:n > 100
    }
  }
}
