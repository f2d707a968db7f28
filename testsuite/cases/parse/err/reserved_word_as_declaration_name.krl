//> mode = "parse"
ruleset t.reserved_decl {
  global {
    function = 1
//  ^^^^^^^^ error[E0109]
  }
}
