//> mode = "parse"
// FIXME(#2): the message should say that `choose` stops its discriminant before `{`/`[`/`.`
//  and suggest `choose (event:attrs{"kind"}) {`; "expected `}` or a name, found a string"
//  does not help.
ruleset t.choose_dot {
  rule r {
    select when t x
    choose event:attrs{"kind"} {
//                     ^^^^^^ error[E0100]
      a => noop()
    }
  }
}
