//> mode = "parse"
ruleset t.returns {
  global {
    act = defaction() {
      noop()
      returns 1
//    ^^^^^^^ error[E0105]
    }
  }
}
