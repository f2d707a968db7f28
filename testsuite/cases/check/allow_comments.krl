//> mode = "check"
// krl:allow(shadowed-builtin)
ruleset t.allow_comments {
  global {
    map = 1
    // krl:allow(unused-declaration)
    unused = 2
    also_unused = 3 // krl:allow(W0101)
    reported = 4
//  ^^^^^^^^ warning[W0101]
    quiet = map // krl:allow(no-such-lint, unused-declaration)
//                           ^^^^^^^^^^^^ warning[W0114]
  }
}
