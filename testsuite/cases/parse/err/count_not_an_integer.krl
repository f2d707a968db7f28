//> mode = "parse"
ruleset t.count_decimal {
  rule r {
    select when count 1.5 (a b)
//                    ^^^ error[E0114]
    noop()
  }
}
