//> mode = "parse"
ruleset t.between {
  rule r {
    select when alarm rang between(day started, day ended)
    noop()
  }
}
