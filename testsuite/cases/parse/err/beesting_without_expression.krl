//> mode = "parse"
ruleset t.empty_beesting {
  global {
    s = <<a #{} b>>
//            ^ error[E0100]: expected an expression
  }
}
