//> mode = "parse"
// FIXME(#2): `else` without `fired`/`notfired` is reported as E0113 (several actions) with
//  the help "put them in `every`"; it should say that `else` must follow a `fired { }` or
//  `notfired { }` block.
ruleset t.else_alone {
  rule r {
    select when t x
    noop()
    else {
//  ^^^^ error[E0113]
    }
  }
}
