//> mode = "parse"
ruleset t.comment2 {
  global { a = 1 } /*/
//                 ^^ error[E0004]
}
