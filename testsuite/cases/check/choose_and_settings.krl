//> mode = "check"
ruleset t.choose_and_settings {
  rule pick {
    select when t pick kind re#(.*)# setting(kind)
    choose kind {
      small => send_directive("small")
      send_directive("unlabeled")
//    ^^^^^^^^^^^^^^ error[E0211]
    }
  }
  rule two_settings {
    select when t two
    send_directive("x") setting(a, b)
//                                 ^ error[E0212]
    always { ent:a := ent:a.defaultsTo(a) + b }
  }
}
