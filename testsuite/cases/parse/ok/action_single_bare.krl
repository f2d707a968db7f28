//> mode = "parse"
ruleset t.single {
  rule r {
    select when t x
    send_directive("done")
  }
}
