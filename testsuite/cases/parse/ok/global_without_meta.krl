//> mode = "parse"
ruleset t.global_only {
  global {
    greeting = "hello"
  }
  rule r {
    select when t x
    send_directive(greeting)
  }
}
