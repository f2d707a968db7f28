//> mode = "parse"
ruleset t.http_post {
  rule r {
    select when t x
    http:post("https://example.com/hooks", json = {"event": "x"}, headers = {"X-Token": "t"}, autoraise = "posted")
  }
}
