//> mode = "check"
ruleset t.non_entity_assignment {
  rule store {
    select when t store
    always {
      app:count := 1;
//    ^^^^^^^^^ error[E0210]
      clear app:count;
//          ^^^^^^^^^ error[E0210]
      ent:count := ent:count.defaultsTo(0) + 1;
      clear ent:other;
      ent:other := ent:other
    }
  }
}
