//> mode = "parse"
ruleset t.raise_expr {
  rule r {
    // Matches pico-engine: the type after `event` is an expression, here a variable.
    select when t x
    pre {
      kind = "reading_" + event:attrs{"kind"}
    }
    always {
      raise sensor event kind
    }
  }
}
