//> mode = "parse"
ruleset t.where_before {
  // Deprecated order, still accepted: `where` before `setting`.
  rule r {
    select when sensor reading temp re#(\d+)# where event:attrs{"unit"} == "C" setting(t)
    noop()
  }
}
