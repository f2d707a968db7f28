//> mode = "parse"
ruleset t.pre {
  rule r {
    select when t x
    pre {
      name = event:attrs{"name"}.defaultsTo("world")
      greeting = "Hello, " + name
    }
    send_directive("say", {"greeting": greeting})
  }
}
