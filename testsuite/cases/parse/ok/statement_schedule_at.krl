//> mode = "parse"
ruleset t.schedule_at {
  rule r {
    select when t x
    always {
      schedule reminder event "due" at time:add(time:now(), {"minutes": 5})
    }
  }
}
