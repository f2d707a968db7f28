//> mode = "parse"
ruleset t.select_or {
  rule r {
    select when echo hello or echo hi
    send_directive("greeted")
  }
}
