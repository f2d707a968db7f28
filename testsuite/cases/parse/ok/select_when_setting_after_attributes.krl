//> mode = "parse"
ruleset t.setting {
  rule r {
    select when sensor reading temp re#(\d+)# unit re#([CF])# setting(degrees, unit)
    send_directive("t", {"d": degrees, "u": unit})
  }
}
