//> mode = "check"
ruleset t.builtin_module_calls {
  meta { shares f }
  global {
    f = function(x) {
      [math:abs(number = x), math:abs(n = x), math:hash("sha256"), math:abs(), ctx:rulesets(), http:get("u")]
//                                    ^ error[E0209]
//                                                     ^^^^^^^^^^ error[E0209]
//                                                                         ^^ error[E0209]
//                                                                             ^^^^^^^^^^^^ error[E0301]
    }
  }
  rule r {
    select when t r
    pre {
      answer = http:post("https://example.com")
//             ^^^^^^^^^ error[E0301]
    }
    every {
      ctx:query("eci", "rid", "name")
//    ^^^^^^^^^ error[E0302]
      http:get("https://example.com")
      schedule:remove()
//                   ^^ error[E0209]
      event:send({}, host = "h", port = 1)
//                               ^^^^ error[E0209]
      send_directive("answer", {"answer": answer})
    }
  }
}
