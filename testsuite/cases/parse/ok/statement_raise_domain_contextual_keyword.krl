//> mode = "parse"
ruleset t.raise_keyword {
  rule r {
    select when t x
    always {
      raise wrangler event "child_created";
      raise schedule event "tick"
    }
  }
}
