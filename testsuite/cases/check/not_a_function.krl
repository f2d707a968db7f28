//> mode = "check"
ruleset t.not_a_function {
  global {
    greet = defaction(name) {
      send_directive("hi", {"name": name})
    }
    twice = function(x) { x * 2 }
  }
  rule calls_actions_in_expressions {
    select when t call
    pre {
      a = greet("Ada")
//        ^^^^^ error[E0301]
      b = send_directive("x")
//        ^^^^^^^^^^^^^^ error[E0301]
      c = noop()
//        ^^^^ error[E0301]
      d = "x".send_directive()
//            ^^^^^^^^^^^^^^ error[E0301]
    }
    send_directive("r", {"a": a, "b": b, "c": c, "d": d})
  }
  rule near_misses {
    select when t near
    pre {
      doubled = [1, 2].map(twice)
      passed = [1].map(noop)
      value = twice(3)
    }
    every {
      greet("Ada")
      noop()
      send_directive("r", {"doubled": doubled, "passed": passed, "value": value})
    }
  }
}
