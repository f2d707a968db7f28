//> mode = "parse"
// FIXME(#2): declaring a reserved word should be E0109 ("`function` is a reserved word"), not
//  E0116 "expected a declaration".
ruleset t.reserved_decl {
  global {
    function = 1
//  ^^^^^^^^ error[E0116]
  }
}
