//> mode = "parse"
ruleset t.hash {
  global {
    a = 1  # not a comment in KRL
//         ^ error[E0001]
  }
}
