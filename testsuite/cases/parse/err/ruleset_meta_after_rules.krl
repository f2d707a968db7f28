//> mode = "parse"
//> fixme = "FIXME(#2): a `meta` block after the rules is accepted without a diagnostic; pico-engine requires the order meta, global, rules"
ruleset t.meta_late {
  rule r {
    select when t x
    noop()
  }
  meta {
//^^^^ error[E0100]
    name "late"
  }
}
