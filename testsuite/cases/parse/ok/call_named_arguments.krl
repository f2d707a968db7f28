//> mode = "parse"
ruleset t.named_args {
  global {
    f = function(a, b = 2, c = 3) { a + b + c }
    x = f(1, c = 5)
    y = f(a = 1, b = 2,)
  }
}
