//> mode = "parse"
ruleset t.where_after {
  rule r {
    select when sensor reading temp re#(\d+)# setting(t) where t.as("Number") > 30
    noop()
  }
}
