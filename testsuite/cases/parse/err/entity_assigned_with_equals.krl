//> mode = "parse"
ruleset t.entity_equals {
  rule count {
    select when t x
    always {
      ent:count = 1
//    ^^^^^^^^^^^ error[E0117]
    }
  }
}
