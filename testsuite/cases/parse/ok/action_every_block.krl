//> mode = "parse"
ruleset t.every {
  rule r {
    select when t x
    every {
      send_directive("first");
      send_directive("second")
      noop()
    }
  }
}
