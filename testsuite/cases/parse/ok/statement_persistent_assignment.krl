//> mode = "parse"
ruleset t.assign {
  rule r {
    select when t x
    always {
      ent:name := event:attrs{"name"}
    }
  }
}
