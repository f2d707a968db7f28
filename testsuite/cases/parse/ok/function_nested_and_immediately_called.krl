//> mode = "parse"
ruleset t.fn_nested {
  global {
    adder = function(n) { function(x) { x + n } }
    five = adder(2)(3)
    six = function(x) { x * 2 }(3)
  }
}
