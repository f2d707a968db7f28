//> mode = "parse"
ruleset t.three_parts {
  global {
    x = a:b:c
//         ^ error[E0100]
  }
}
