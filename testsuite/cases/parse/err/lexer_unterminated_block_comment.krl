//> mode = "parse"
ruleset t.comment {
  /* never closed
//^^ error[E0004]
  global { a = 1 }
}
