//> mode = "check"
ruleset t.unused_declaration {
  meta {
    configure using unused_config = 1
//                  ^^^^^^^^^^^^^ warning[W0101]
    shares pick, second
  }
  global {
    leftover = 1
//  ^^^^^^^^ warning[W0101]
    _kept = 2
    pick = function(value, unused_param) { value }
//                         ^^^^^^^^^^^^ warning[W0101]
    second = function(_first, key) { key }
  }
  rule r {
    select when t r a re#(.*)# b re#(.*)# setting(a, b)
    foreach [1] setting(item, position)
    pre {
      total = b + position
      _scratch = 3
    }
    send_directive("t", {"total": total}) setting(directive)
//                                                ^^^^^^^^^ warning[W0101]
  }
}
