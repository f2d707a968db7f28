//> mode = "run"
// Rule bodies under every tier: `pre` with arithmetic and strings, the action block's
// condition, errors in `pre` and in guards with their places, `foreach` over arrays, maps,
// strings, null and numbers, `last` inside a loop, `where` guards that compute, action
// arguments, a computed `choose` discriminant (that errors when odd), and a postlude with a declaration, guarded `ent:` writes, a `raise` whose
// attributes compute, and an error in a guarded statement.
ruleset test.bodies {
  meta { shares log }
  global {
    log = function() { ent:log.defaultsTo([]) }
    scale = 3
  }
  rule compute {
    select when t compute
    pre {
      n = event:attrs{"n"}.as("Number")
      sq = n * n + scale
      half = sq / 2
      label = "n=" + n
      odd = n % 2 == 1
    }
    if odd then send_directive("odd", {"sq": sq, "half": half, "label": label})
    notfired { ent:log := log().append(label) }
  }
  rule pre_error {
    select when t pre_error
    pre {
      a = 1
      b = a + event:attrs{"x"} * {}
    }
    send_directive("never", {"b": b})
  }
  rule call_error {
    select when t call_error
    pre {
      c = [1, 2]
      d = c.length() + c(1)
    }
  }
  rule condition_error {
    select when t condition_error
    pre { c = "text" }
    if c * {} then send_directive("never")
  }
  rule loops {
    select when t loops
    foreach event:attrs{"items"} setting(v, k)
    pre { twice = v.typeof() == "Number" => v * 2 | v + v }
    send_directive("item", {"k": k, "twice": twice})
  }
  rule loop_last {
    select when t stop
    foreach [1, 2, 3, 4] setting(n)
    pre { big = n * 10 > 20 }
    if big then send_directive("big", {"n": n})
    fired { last }
  }
  rule after_last {
    select when t stop
    send_directive("not reached")
  }
  rule guarded {
    select when t guard n re#(\d+)# setting(digits) where digits.as("Number") * 2 > 10
    send_directive("guarded", {"digits": digits})
  }
  rule guard_error {
    select when t guard_error where event:attrs{"x"} * {} > 1
    send_directive("never")
  }
  rule postlude {
    select when t post
    pre { k = event:attrs{"k"} }
    send_directive("args", {"double": k + k, "text": "k" + k}, k > 1)
    fired {
      total = k.as("Number") * 3 + 1;
      ent:log := log().append(total) if total > 5;
      ent:log := log().append("small") if total <= 5;
      raise t event "echo" attributes {"total": total, "half": total / 2};
      ent:log := log().append("guarded") if k * {} == 1
    }
  }
  rule chooser {
    select when t choose
    pre { n = event:attrs{"n"} }
    choose (n % 2 == 0 => "even" | "odd" * {}) {
      even => send_directive("even", {"n": n});
      odd => send_directive("odd")
    }
  }
  rule arg_error {
    select when t arg_error
    send_directive("x", {"v": event:attrs{"v"} * 2})
  }
  rule echo {
    select when t echo
    send_directive("echo", {"total": event:attrs{"total"} + 0.5})
  }
  rule selected {
    select where event:domain == "t" && event:type == "picked" && event:attrs{"k"} + 1 == 3
    send_directive("picked")
  }
}
//- event t compute {"n": 3}
//- event t compute {"n": "4"}
//- event t pre_error {"x": "abc"}
//- event t call_error
//- event t condition_error
//- event t loops {"items": [1, "a", 2.5]}
//- event t loops {"items": {"x": 7, "y": "z"}}
//- event t loops {"items": "ab"}
//- event t loops {"items": null}
//- event t loops {"items": 42}
//- event t stop
//- event t guard {"n": "7"}
//- event t guard {"n": "3"}
//- event t guard_error {"x": "abc"}
//- event t picked {"k": 2}
//- event t picked {"k": 5}
//- event t post {"k": 1}
//- event t post {"k": 4}
//- event t post {"k": "bad"}
//- event t arg_error {"v": "w"}
//- event t choose {"n": 4}
//- event t choose {"n": 3}
//- query log
//- logs
