//> mode = "parse"
ruleset t.decl_boundary {
  // Declarations are recognised by `name =`; no separator is needed.
  global {
    a = 1 b = 2 c = a + b
  }
}
