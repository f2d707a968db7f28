//> mode = "parse"
ruleset t.foreach2 {
  rule r {
    select when list refresh
    foreach {"a": 1, "b": 2} setting(value, key)
    send_directive(key, {"value": value})
  }
}
