//> mode = "ir"
// A function without closure literals keeps its slots on the stack; one that makes a
// closure gets a heap frame the closure captures (`local d1` from inside the closure).
ruleset ir.frames {
  global {
    base = 10
    add = function(a, b = a) { sum = a + b; sum + base }
    adder = function(n) { function(m) { m + n + base } }
    fib = function(n) { n < 2 => n | fib(n - 1) + fib(n - 2) }
  }
}
