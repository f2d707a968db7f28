//> mode = "check"
ruleset t.stdlib_arity {
  meta { shares wrong, right }
  global {
    wrong = function(s) { [s.uc(1), s.split(), length(), [1].any(), s.substr(1, 2, 3)] }
//                             ^^^ error[E0209]
//                                         ^^ error[E0209]
//                                                   ^^ error[E0209]
//                                                              ^^ error[E0209]
//                                                                          ^^^^^^^^^ error[E0209]
    right = function(s) { [s.uc(), s.split(","), length(s), [1].any(function(x) { x }), s.substr(1, 2)] }
  }
  rule actions {
    select when t actions
    every {
      send_directive()
//                  ^^ error[E0209]
      send_directive("a", {}, 3)
//                  ^^^^^^^^^^^^ error[E0209]
      send_directive("ok", {})
      noop()
    }
  }
}
