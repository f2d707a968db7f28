//> mode = "parse"
ruleset t.type_reserved {
  // Any word is accepted as the event type.
  rule r {
    select when system function or system not or system null
    noop()
  }
}
