//> mode = "check"
ruleset t.shadowed_builtin {
  meta { shares keys_of }
  global {
    keys_of = function(map) { map.keys() }
//                     ^^^ warning[W0102]
    key_list = function(m) { m.keys() }
  }
  rule r {
    select when t r
    pre {
      length = event:attrs.keys().length()
//    ^^^^^^ warning[W0102]
      size = key_list(event:attrs).length()
    }
    send_directive("n", {"n": length + size})
  }
}
