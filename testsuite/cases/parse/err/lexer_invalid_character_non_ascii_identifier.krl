//> mode = "parse"
// FIXME(#2): the E0116 at `caf` only echoes the invalid character after it; the lexer error
//  alone should be reported.
ruleset t.non_ascii {
  global {
    café = 1
//  ^^^ error[E0116]
//     ^ error[E0001]
  }
}
