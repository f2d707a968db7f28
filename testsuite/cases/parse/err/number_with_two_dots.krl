//> mode = "parse"
ruleset t.two_dots {
  global {
    // `1.5.2` is the number `1.5` followed by the number `.2`.
    v = 1.5.2
//         ^^ error[E0116]
  }
}
