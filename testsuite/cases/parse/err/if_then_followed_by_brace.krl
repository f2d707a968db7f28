//> mode = "parse"
// FIXME(#2): `if c then {` should say "expected `every`, `sample`, `choose` or an action"
//  (the reference says "Expected `every`, `sample`, or `choose`"), not "expected a name".
ruleset t.then_brace {
  rule r {
    select when t x
    if x then {
//            ^ error[E0100]
      noop()
    }
  }
}
