//> mode = "parse"
ruleset t.raise_attrs {
  rule r {
    select when t x
    always {
      raise sensor event "too_hot" attributes {"temp": 31, "unit": "C"}
    }
  }
}
