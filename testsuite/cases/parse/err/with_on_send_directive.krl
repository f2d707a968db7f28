//> mode = "parse"
ruleset t.with_directive {
  rule r {
    select when t x
    send_directive("say") with something = "hi"
//                        ^^^^ error[E0104]
  }
}
