//> mode = "parse"
ruleset t.error_level {
  rule r {
    select when t x
    always {
      error fatal "boom"
//          ^^^^^ error[E0115]
    }
  }
}
