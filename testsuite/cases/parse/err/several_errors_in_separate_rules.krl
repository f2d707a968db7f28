//> mode = "parse"
//> intact_rules = ["first", "second", "third", "fourth", "fifth"]
ruleset t.recovery {
  rule first {
    select when t one
    noop()
  }
  rule broken_then {
    select when t two
    if x > 1 send_directive("no then")
//           ^^^^^^^^^^^^^^ error[E0102]
  }
  rule second {
    select when t three
    send_directive("fine")
  }
  rule broken_map {
    select when t four
    send_directive("x", {key: 1})
//                       ^^^ error[E0108]
  }
  rule third {
    select when t five
    always {
      ent:n := 1
    }
  }
  rule broken_unit {
    select when a b before c d within 3 fortnights
//                                      ^^^^^^^^^^ error[E0112]
    noop()
  }
  rule broken_char {
    select when t six
    send_directive(!x)
//                 ^ error[E0001]
  }
  rule fourth {
    select when t seven
    noop()
  }
  rule broken_level {
    select when t eight
    always {
      log loudly "x"
//        ^^^^^^ error[E0115]
    }
  }
  rule fifth {
    select when t nine
    noop()
  }
}
