//> mode = "parse"
ruleset t.no_semis {
  rule r {
    select when t x
    always {
      ent:a := 1
      ent:b := 2
      clear ent:c
      last
    }
  }
}
