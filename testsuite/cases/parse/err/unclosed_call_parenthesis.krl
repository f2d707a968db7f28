//> mode = "parse"
ruleset t.unclosed_paren {
  global {
    x = f(1, 2
    y = 3
//  ^ error[E0100]
  }
}
