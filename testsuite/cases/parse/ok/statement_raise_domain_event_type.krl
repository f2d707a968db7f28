//> mode = "parse"
ruleset t.raise {
  rule r {
    select when t x
    always {
      raise sensor event "too_hot"
    }
  }
}
