//> mode = "check"
ruleset t.missing_select {
  rule no_select { noop() }
//     ^^^^^^^^^ error[E0213]
  rule parked is inactive { noop() }
  rule by_condition { select where ent:ready  noop() }
  rule setup { select when t setup  always { ent:ready := true } }
}
