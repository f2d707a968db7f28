//> mode = "parse"
// FIXME(#2): `return a, b` in a defaction should be E0105 ("a defaction can only return one
//  value"), as the reference reports, not a generic E0100.
ruleset t.return_two {
  global {
    act = defaction() {
      noop()
      return a, b
//            ^ error[E0100]
    }
  }
}
