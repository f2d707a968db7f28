//> mode = "parse"
ruleset t.select_no_when {
  rule r {
    select t x
//         ^ error[E0100]
    noop()
  }
}
