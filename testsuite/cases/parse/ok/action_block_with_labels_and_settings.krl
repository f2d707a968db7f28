//> mode = "parse"
ruleset t.labels_settings {
  rule r {
    select when t x
    every {
      first => http:get("https://example.com/a") setting(a);
      second => http:get("https://example.com/b") setting(b)
    }
  }
}
