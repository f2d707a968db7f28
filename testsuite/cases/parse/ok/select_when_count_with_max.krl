//> mode = "parse"
ruleset t.count_max {
  rule r {
    select when count 5 (sensor reading temp re#(\d+)#) max(highest)
    send_directive("max", {"value": highest})
  }
}
