//> mode = "parse"
ruleset t.amp {
  global {
    both = a & b
//           ^ error[E0001]
  }
}
