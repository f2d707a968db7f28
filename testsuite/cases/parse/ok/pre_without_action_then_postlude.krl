//> mode = "parse"
ruleset t.pre_postlude {
  rule r {
    select when t x
    pre {
      n = ent:n.defaultsTo(0) + 1
    }
    always {
      ent:n := n
    }
  }
}
