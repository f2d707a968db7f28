//> mode = "check"
ruleset t.builtin_module_arity {
  meta { shares calls }
  global {
    calls = function(x) {
      [math:abs(x), math:abs(x, 1), math:round(x, 2), time:now({}, 2), random:uuid(1), ctx:query("e", "r", "n", {}, 5)]
//                          ^^^^^^ error[W0109]
//                                                            ^^^^^^^ error[W0109]
//                                                                                ^^^ error[W0109]
//                                                                                              ^^^^^^^^^^^^^^^^^^^^^^ error[W0109]
    }
  }
  rule r {
    select when t r
    every {
      ctx:event("eci", "d", "t", {}, "host", "extra")
//             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[W0109]
      http:post("https://example.com", url = "https://example.com")
      schedule:remove("id")
    }
  }
}

