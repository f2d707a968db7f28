//> mode = "parse"
ruleset t.last {
  rule r {
    select when t x
    always {
      last
    }
  }
}
