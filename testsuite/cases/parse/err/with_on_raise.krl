//> mode = "parse"
ruleset t.with_raise {
  rule r {
    select when t x
    always {
      raise t event "y" with a = 1
//                      ^^^^ error[E0104]
    }
  }
}
