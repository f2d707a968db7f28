//> mode = "parse"
ruleset t.empty_elem {
  global {
    a = [1,,2]
//         ^ error[E0100]
  }
}
