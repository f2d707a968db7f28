//> mode = "parse"
ruleset t.setting {
  rule r {
    select when t x
    http:get("https://example.com/status") setting(response)
    fired {
      ent:last_status := response{"status_code"}
    }
  }
}
