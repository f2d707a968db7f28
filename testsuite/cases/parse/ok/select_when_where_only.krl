//> mode = "parse"
ruleset t.where_only {
  rule r {
    select when sensor reading where event:attrs{"temp"} > 30 || event:attrs{"force"}
    noop()
  }
}
