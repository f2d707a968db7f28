//> mode = "parse"
ruleset t.else_alone {
  rule r {
    select when t x
    noop()
    else {
//  ^^^^ error[E0100]
    }
  }
}
