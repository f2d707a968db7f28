//> mode = "parse"
ruleset t.always {
  rule r {
    select when t x
    always {
      ent:seen := time:now()
    }
  }
}
