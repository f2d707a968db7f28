//> mode = "parse"
ruleset t.neg_call {
  // `-1.abs()` is `-(1.abs())`: unary operators take a postfix operand.
  global {
    a = -1.abs()
    b = -x.length()
    c = -0.5.as("String")
  }
}
