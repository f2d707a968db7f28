//> mode = "parse"
ruleset t.clear_path {
  rule r {
    select when t x
    always {
      clear ent:users{event:attrs{"id"}}
    }
  }
}
