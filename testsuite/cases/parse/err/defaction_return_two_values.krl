//> mode = "parse"
ruleset t.return_two {
  global {
    act = defaction() {
      noop()
      return a, b
//            ^ error[E0105]
    }
  }
}
