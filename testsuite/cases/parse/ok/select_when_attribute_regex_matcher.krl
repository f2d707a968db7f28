//> mode = "parse"
ruleset t.attr {
  rule r {
    select when sensor reading temp re#^\d+$#
    noop()
  }
}
