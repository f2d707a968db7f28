//> mode = "parse"
ruleset t.sample {
  rule r {
    select when t x
    sample {
      send_directive("a")
      send_directive("b")
    }
  }
}
