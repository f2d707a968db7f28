//> mode = "parse"
ruleset t.single_quote {
  global {
    s = 'hi'
//      ^ error[E0001]
//         ^ error[E0001]
  }
}
