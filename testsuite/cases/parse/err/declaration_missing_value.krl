//> mode = "parse"
ruleset t.no_value {
  global {
    a =
    b = 2
//  ^ error[E0100]
  }
}
