//> mode = "parse"
ruleset t.raise_for {
  rule r {
    select when t x
    always {
      raise sensor event "too_hot" for "io.example.collector" attributes event:attrs
    }
  }
}
