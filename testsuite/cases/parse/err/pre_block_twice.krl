//> mode = "parse"
// FIXME(#2): a second `pre` block is reported as E0111 "unsupported meta key `pre`"; it should
//  say that a rule has one `pre` block.
ruleset t.pre_twice {
  rule r {
    select when a b
    pre { x = 1 }
    pre { y = 2 }
//  ^^^ error[E0111]
    noop()
  }
}
