//> mode = "parse"
ruleset t.two_guards {
  rule r {
    select when a b
    always {
      // A statement takes one guard: `if` or `on final`, not both.
      ent:x := 1 if ready on final
//                        ^^ error[E0100]
    }
  }
}
