//> mode = "check"
ruleset t.not_an_action {
  global {
    twice = function(x) { x * 2 }
    greet = defaction(name) {
      every {
        klog(name)
//      ^^^^ error[E0302]
        send_directive("hi", {"name": name})
      }
    }
  }
  rule uses_functions_as_actions {
    select when t act
    every {
      twice(2)
//    ^^^^^ error[E0302]
      greet("Ada")
      noop()
    }
  }
}
