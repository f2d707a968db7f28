//> mode = "parse"
ruleset t.single {
  rule r {
    select when echo hello
    send_directive("say", {"something": "Hello World"})
  }
}
