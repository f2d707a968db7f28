//> mode = "parse"
ruleset t.schedule_dynamic {
  rule r {
    select when t x
    always {
      schedule event "reminder:due" at "2030-01-01T00:00:00Z"
    }
  }
}
