//> mode = "parse"
ruleset t.pre_twice {
  rule r {
    select when a b
    pre { x = 1 }
    pre { y = 2 }
//  ^^^ error[E0100]
    noop()
  }
}
