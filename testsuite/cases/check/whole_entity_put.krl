//> mode = "check"
ruleset t.whole_entity_put {
  meta { shares visits }
  global {
    visits = function() { ent:visits }
  }
  rule count_visit {
    select when web visit name re#(.+)# setting(name)
    fired {
      ent:visits := ent:visits.put(name, ent:visits{name}.defaultsTo(0) + 1)
//    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning[W0112]
      ent:visits := put(ent:visits, "last", name)
//    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning[W0112]
      ent:visits{name} := 1
      ent:visits := ent:visits.put({"merged": true})
      ent:visits := ent:other.put("a", 1)
    }
  }
  rule other {
    select when web other
    fired {
      ent:other := {}
    }
  }
}
