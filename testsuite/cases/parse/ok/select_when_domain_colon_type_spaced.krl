//> mode = "parse"
ruleset t.colon_spaced {
  rule r {
    select when echo : hello
    noop()
  }
}
