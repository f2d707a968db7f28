//> mode = "parse"
ruleset t.any_no_n {
  rule r {
    select when any (a b, c d)
//                  ^ error[E0114]
    noop()
  }
}
