//> mode = "parse"
ruleset t.several {
  rule one { select when t one  noop() }
  rule two { select when t two  noop() }
  rule three { select when t three  noop() }
}
