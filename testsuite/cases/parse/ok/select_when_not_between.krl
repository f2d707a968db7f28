//> mode = "parse"
ruleset t.not_between {
  rule r {
    select when alarm rang not between(day started, day ended)
    noop()
  }
}
