//> mode = "parse"
ruleset t.log_level {
  rule r {
    select when t x
    always {
      log loud "hello"
//        ^^^^ error[E0115]
    }
  }
}
