//> mode = "parse"
ruleset t.select_where {
  rule r {
    select where event:domain == "t" && event:name.match(re#^ping#)
    noop()
  }
}
