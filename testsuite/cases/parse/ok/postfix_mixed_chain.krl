//> mode = "parse"
ruleset t.postfix_mix {
  global {
    x = ent:data{"list"}[0].get(["a"]).keys()[1]
  }
}
