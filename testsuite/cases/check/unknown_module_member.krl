//> mode = "check"
ruleset t.unknown_module_member {
  meta {
    use module t.lib alias random
    shares f
  }
  global {
    f = function() {
      [math:nope(2), math:rnd(2.5), time:now(), math:base64encode("a"), random:greeting("x"), ent:when]
//     ^^^^^^^^^ error[E0219]
//                   ^^^^^^^^ error[E0219]
    }
  }
  rule r {
    select when t r
    fired {
      ent:when := time:noww
//                ^^^^^^^^^ error[E0219]
    }
  }
}
