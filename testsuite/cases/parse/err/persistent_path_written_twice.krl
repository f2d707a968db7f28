//> mode = "parse"
ruleset t.path_twice {
  rule r {
    select when t x
    always {
      ent:m{"a"}{"b"} := 1
//              ^ error[E0100]
    }
  }
}
