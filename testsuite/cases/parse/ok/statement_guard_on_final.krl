//> mode = "parse"
ruleset t.guard_final {
  rule r {
    select when t x
    foreach [1, 2, 3] setting(n)
    always {
      ent:total := ent:total + n;
      raise t event "summed" on final
    }
  }
}
