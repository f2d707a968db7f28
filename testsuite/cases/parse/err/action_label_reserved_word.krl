//> mode = "parse"
ruleset t.label_reserved {
  rule r {
    select when t x
    every {
      not => noop()
//    ^^^ error[E0109]
    }
  }
}
