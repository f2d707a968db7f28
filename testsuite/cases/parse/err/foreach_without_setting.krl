//> mode = "parse"
ruleset t.foreach_setting {
  rule r {
    select when t x
    foreach [1, 2]
    noop()
//  ^^^^ error[E0100]
  }
}
