//> mode = "parse"
ruleset t.index_left {
  rule r {
    select when t x
    always {
      ent:m[0] := 1
//         ^ error[E0100]
    }
  }
}
