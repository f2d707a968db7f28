//> mode = "parse"
//> intact_rules = ["r"]
ruleset t.global_recovery {
  global {
    greet = function(first last) {
//                         ^^^^ error[E0100]
      first + " " + last
    }
    ok = 1
    act = defaction(d) {
      send_directive("x")
      returns d
//    ^^^^^^^ error[E0105]
    }
    cut = 1 +
//           ^ error[E0101]
  }
  rule r { select when a b }
}
