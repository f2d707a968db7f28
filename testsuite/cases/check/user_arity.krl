//> mode = "check"
ruleset t.user_arity {
  meta { shares calls }
  global {
    double = function(n) { n * 2 }
    greet = defaction(name) { send_directive("hi", {"name": name}) }
    calls = function() { [double(1, 2), double(1), double(), 3.double(), 3.double(4)] }
//                              ^^^^^^ error[W0109]
//                                                                               ^^^ error[W0109]
  }
  rule act {
    select when t act
    every {
      greet("Ada", "Lovelace")
//         ^^^^^^^^^^^^^^^^^^^ error[W0109]
      greet("Ada")
      greet(nme = "Ada")
//          ^^^ error[E0209]
    }
  }
}
