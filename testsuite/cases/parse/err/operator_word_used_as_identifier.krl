//> mode = "parse"
ruleset t.operator_ident {
  global {
    count = 3
    next = count + 1
//         ^^^^^ error[E0109]
  }
}
