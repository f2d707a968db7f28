//> mode = "check"
ruleset t.declaration_order {
  meta { shares early, late, counter, is_even, total }
  global {
    early = late_value
//          ^^^^^^^^^^ error[E0201]
    late_value = 1
    late = function() { late_value + helper() }
    helper = function() { 1 }
    counter = function(n) { n <= 0 => 0 | counter(n - 1) + 1 }
    is_even = function(n) { n == 0 => true | is_odd(n - 1) }
    is_odd = function(n) { n == 0 => false | is_even(n - 1) }
    total = helper()
    too_soon = later()
//             ^^^^^ error[E0201]
    later = function() { 2 }
//  ^^^^^ warning[W0101]
    loop = defaction(n) { if n > 0 then loop(n - 1) }
//                                      ^^^^ error[E0201]
  }
  rule shadow_with_call {
    select when t shadow
    pre {
      total = total + 1
    }
    send_directive("total", {"total": total, "too_soon": too_soon, "loop": loop})
  }
}
