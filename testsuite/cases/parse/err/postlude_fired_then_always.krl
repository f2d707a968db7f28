//> mode = "parse"
ruleset t.fired_always {
  rule r {
    select when t x
    noop()
    fired {
    } always {
//    ^^^^^^ error[E0100]
    }
  }
}
