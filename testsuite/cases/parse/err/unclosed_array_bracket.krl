//> mode = "parse"
ruleset t.unclosed_bracket {
  global {
    x = [1, 2
    y = 3
//  ^ error[E0100]
  }
}
