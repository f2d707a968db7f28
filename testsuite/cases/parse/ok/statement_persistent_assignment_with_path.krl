//> mode = "parse"
ruleset t.assign_path {
  rule r {
    select when t x
    always {
      ent:users{event:attrs{"id"}} := event:attrs;
      ent:matrix{["row", "col"]} := 0
    }
  }
}
