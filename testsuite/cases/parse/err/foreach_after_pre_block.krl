//> mode = "parse"
ruleset t.foreach_order {
  rule r {
    select when t x
    pre {
      n = 1
    }
    foreach [1, 2] setting(item)
//  ^^^^^^^ error[E0100]
    send_directive("item", {"item": item, "n": n})
//                                               ^ error[E0100]
  }
}
