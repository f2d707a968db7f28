//> mode = "parse"
ruleset t.raise_no_event {
  rule r {
    select when t x
    always {
      raise t "x"
//            ^^^ error[E0100]
    }
  }
}
