//> mode = "check"
ruleset t.ent_written_never_read {
  meta { shares cleared }
  global {
    cleared = function() { ent:cleared }
  }
  rule store {
    select when t store
    always {
      ent:last_seen := time:now();
//    ^^^^^^^^^^^^^ warning[W0104]
      ent:last_seen := time:now();
      clear ent:cleared
    }
  }
}
