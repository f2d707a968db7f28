//> mode = "check"
ruleset t.named_arguments {
  meta { shares build, ok }
  global {
    make = function(a, b = 2) { a + b }
    build = function() { make(a = 1, 5) + make(c = 3) }
//                                   ^ error[E0208]
//                                             ^ error[E0209]
    ok = function() { make(1, b = 5) + make(b = 1, a = 2) + {}.put(path = ["k"], toSet = 1).length() }
  }
}
