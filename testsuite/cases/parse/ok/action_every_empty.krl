//> mode = "parse"
ruleset t.every_empty {
  rule r {
    select when t x
    every {
    }
  }
}
