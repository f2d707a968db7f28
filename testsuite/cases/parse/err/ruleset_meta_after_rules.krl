//> mode = "parse"
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
