//> mode = "parse"
ruleset t.fn_return {
  global {
    double = function(x) { return x * 2 }
    triple = function(x) { y = x * 3 return y; }
  }
}
