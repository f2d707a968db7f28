//> mode = "parse"
ruleset t.domain_idents {
  global {
    count = ent:count
    attrs = event:attrs
    rid = meta:rid
    now = time:now()
    spaced = ent : spaced
  }
}
