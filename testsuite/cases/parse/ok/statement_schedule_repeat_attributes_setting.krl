//> mode = "parse"
ruleset t.schedule_repeat {
  rule r {
    select when t x
    always {
      schedule heartbeat event "beat" repeat "*/5 * * * *" attributes {"n": 1} setting(job);
      ent:job := job
    }
  }
}
