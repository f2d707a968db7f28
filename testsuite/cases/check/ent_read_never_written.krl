//> mode = "check"
ruleset t.ent_read_never_written {
  meta { shares counter, typo }
  global {
    counter = function() { ent:count.defaultsTo(0) }
    typo = function() { ent:cuont.defaultsTo(0) + ent:cuont.defaultsTo(0) }
//                      ^^^^^^^^^ warning[W0103]
  }
  rule bump {
    select when t bump
    always { ent:count := counter() + 1 }
  }
}
