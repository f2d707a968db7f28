//> mode = "check"
// Every pair of declaration kinds that share one scope (language.md §3.1): the ruleset scope
// holds the `configure using` names and the globals; a rule's scope holds every name the rule
// declares, whichever part declares it; a function's scope its parameters and body. A second
// declaration of a name there is `Duplicate declaration` (E0204) for `krl check` and for the
// engine alike (testsuite/tests/resolver_agreement.rs). The reference's verdict, pair by pair:
// - configure/global, setting/pre, pre/postlude, and every other rule-scope pair: pico-engine's
//   compiler does not check them but emits JavaScript that fails to load or run (a `const`
//   declared twice in one block), so language.md §3.2 asks for this compile error.
// - global/global, pre/pre, local/local: `Duplicate declaration: NAME` from its
//   declarationBlock.js.
// - parameter/body local: a JavaScript function declaring its parameter again (SyntaxError).
// - foreach/foreach: stricter than the reference, whose nested loop blocks let the inner
//   setting shadow the outer one; one rule scope (§3.1) keeps one meaning per name.
ruleset t.clashes_in_one_scope {
  meta {
    configure using mode = "a"
//                  ^^^^ warning[W0101]
    shares mode, rate, twice
  }
  global {
    mode = "b"
//  ^^^^ error[E0204]: `mode` is declared twice
    rate = 1
//  ^^^^ warning[W0101]
    rate = 2
//  ^^^^ error[E0204]
    twice = function(n) { n = n * 2; total = n; total = total + 1; total }
//                        ^ error[E0204]
//                                              ^^^^^ error[E0204]
  }
  rule setting_and_pre {
    select when t a x re#(.*)# setting(x)
//                                     ^ warning[W0101]
    pre { x = 2 }
//        ^ error[E0204]
    send_directive("x", {"x": x})
  }
  rule aggregator_and_pre {
    select when count 2 (t b v re#(\d+)#) max(m)
//                                            ^ warning[W0101]
    pre { m = 0 }
//        ^ error[E0204]
    send_directive("m", {"m": m})
  }
  rule foreach_and_pre {
    select when t c
    foreach [1, 2] setting(item)
//                         ^^^^ warning[W0101]
    pre { item = 3 }
//        ^^^^ error[E0204]
    send_directive("item", {"item": item})
  }
  rule foreach_and_foreach {
    select when t d
    foreach [1, 2] setting(item)
//                         ^^^^ warning[W0101]
      foreach [3, 4] setting(item)
//                           ^^^^ error[E0204]
    send_directive("item", {"item": item})
  }
  rule setting_and_foreach {
    select when t e x re#(.*)# setting(x)
//                                     ^ warning[W0101]
    foreach [1, 2] setting(x)
//                         ^ error[E0204]
    send_directive("x", {"x": x})
  }
  rule pre_and_pre {
    select when t f
    pre {
      y = 1
//    ^ warning[W0101]
      y = 2
//    ^ error[E0204]
    }
    send_directive("y", {"y": y})
  }
  rule pre_and_action_setting {
    select when t g
    pre { d = 1 }
    send_directive("d", {"d": d}) setting(d)
//                                        ^ error[E0204]
//                                        ^ warning[W0101]
  }
  rule pre_and_postlude {
    select when t h
    pre { z = 1 }
    send_directive("z", {"z": z})
    fired {
      z = 2;
//    ^ error[E0204]
      ent:z := z
    }
  }
  rule setting_and_postlude {
    select when t i x re#(.*)# setting(x)
//                                     ^ warning[W0101]
    noop()
    always {
      x = 2;
//    ^ error[E0204]
      ent:z := ent:z + x
    }
  }
  rule action_setting_and_postlude {
    select when t j
    send_directive("j") setting(result)
//                              ^^^^^^ warning[W0101]
    fired {
      result = 1;
//    ^^^^^^ error[E0204]
      ent:z := result
    }
  }
  rule schedule_setting_and_pre {
    select when t k
    pre { id = 1 }
    noop()
    fired {
      schedule t event "later" at time:add(time:now(), {"minutes": id}) setting(id)
//                                                                              ^^ error[E0204]
//                                                                              ^^ warning[W0101]
    }
  }
}
