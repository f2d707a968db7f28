//> mode = "parse"
// FIXME(#2): `foreach` after `pre` is reported as E0111 "unsupported meta key `foreach`"
//  inside a rule; it should say that `foreach` must come before `pre`. The second error, at
//  the `)` of the action, is a recovery echo.
ruleset t.foreach_order {
  rule r {
    select when t x
    pre {
      n = 1
    }
    foreach [1, 2] setting(item)
//  ^^^^^^^ error[E0111]
    send_directive("item", {"item": item, "n": n})
//                                               ^ error[E0100]
  }
}
