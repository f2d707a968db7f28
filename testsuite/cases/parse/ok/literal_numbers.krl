//> mode = "parse"
ruleset t.numbers {
  global {
    integer = 42
    decimal = 3.25
    leading_dot = .5
    leading_zeros = 007
    zero = 0
  }
}
