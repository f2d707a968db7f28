//> mode = "parse"
ruleset t.only_decls {
  global {
    f = function(a) { b = a + 1 }
//                              ^ error[E0110]
  }
}
