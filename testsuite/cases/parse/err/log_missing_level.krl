//> mode = "parse"
ruleset t.log_no_level {
  rule r {
    select when t x
    always {
      log "hello"
//        ^^^^^^^ error[E0115]
    }
  }
}
