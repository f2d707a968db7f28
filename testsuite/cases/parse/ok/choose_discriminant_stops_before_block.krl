//> mode = "parse"
ruleset t.choose_stop {
  rule r {
    select when t x
    // `choose x {` ends the discriminant at `x`: the brace opens the actions.
    choose kind {
      one => noop()
    }
  }
}
