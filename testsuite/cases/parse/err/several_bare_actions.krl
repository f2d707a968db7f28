//> mode = "parse"
ruleset t.several {
  rule r {
    select when t x
    send_directive("one")
    send_directive("two")
//  ^^^^^^^^^^^^^^ error[E0113]
  }
}
