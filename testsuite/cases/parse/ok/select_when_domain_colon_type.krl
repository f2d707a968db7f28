//> mode = "parse"
ruleset t.colon {
  rule r {
    select when echo:hello
    noop()
  }
}
