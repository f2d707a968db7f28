//> mode = "parse"
ruleset t.raise_dynamic {
  rule r {
    select when t x
    always {
      raise event "sensor:too_hot" attributes {"temp": 31};
      raise event event:attrs{"target"}
    }
  }
}
