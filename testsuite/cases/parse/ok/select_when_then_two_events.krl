//> mode = "parse"
ruleset t.then2 {
  rule r {
    select when door opened then door closed
    noop()
  }
}
