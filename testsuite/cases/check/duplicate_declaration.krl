//> mode = "check"
ruleset t.duplicate_declaration {
  meta {
    configure using mode = "a"
//                  ^^^^ warning[W0101]
    shares mode_name, rate, other
  }
  global {
    mode = "b"
//  ^^^^ error[E0204]
    rate = 1
//  ^^^^ warning[W0101]
    rate = 2
//  ^^^^ error[E0204]
    mode_name = function() { mode }
    other = function() { rate = 1; rate + 1 }
  }
  rule settings_and_pre {
    select when t a x re#(.*)# setting(x)
//                                     ^ warning[W0101]
    pre {
      x = 2
//    ^ error[E0204]
    }
    send_directive("x", {"x": x}) setting(d)
//                                        ^ warning[W0101]
    fired {
      d = 3;
//    ^ error[E0204]
      ent:d := d
    } else {
      y = 1;
      ent:d := y
    } finally {
      y = 2;
      ent:y := y + ent:d
//    ^^^^^ warning[W0104]
    }
  }
}
