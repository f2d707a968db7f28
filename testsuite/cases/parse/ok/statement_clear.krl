//> mode = "parse"
ruleset t.clear {
  rule r {
    select when t x
    always {
      clear ent:cache
    }
  }
}
