//> mode = "parse"
ruleset t.paren {
  rule r {
    select when (a b or c d) and (e f or g h)
    noop()
  }
}
