//> mode = "check"
ruleset t.constant_condition {
  meta { shares pick }
  global {
    pick = function(n) { true => 1 | (n > 1 => 2 | 3) }
//                       ^^^^ warning[W0106]
    announce = defaction(n) { if false then send_directive("never", {"n": n}) }
//                               ^^^^^ warning[W0106]
  }
  rule always_true {
    select where true
//               ^^^^ warning[W0106]
    if true then announce(1)
//     ^^^^ warning[W0106]
  }
  rule real_conditions {
    select when t real n re#(\d+)# setting(n)
    if n > 3 then noop()
    fired { ent:n := n if (not null) } else { ent:n := 0 if ent:n > 1 }
//                        ^^^^^^^^^^ warning[W0106]
  }
}
