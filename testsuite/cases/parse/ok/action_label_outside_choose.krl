//> mode = "parse"
ruleset t.label {
  rule r {
    select when t x
    every {
      greet => send_directive("hello")
      wave => send_directive("wave")
    }
  }
}
