//> mode = "parse"
ruleset t.semi_select {
  rule r {
    select when t x;
//                 ^ error[E0106]
    noop()
  }
}
