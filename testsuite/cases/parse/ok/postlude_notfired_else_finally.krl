//> mode = "parse"
ruleset t.notfired_else {
  rule r {
    select when t x
    if false then noop()
    notfired {
      ent:a := "missed"
    } else {
      ent:a := "hit"
    } finally {
      ent:seen := true
    }
  }
}
