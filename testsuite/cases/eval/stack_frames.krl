//> mode = "eval"
// Functions with no function literal inside keep their slots on the interpreter's stack;
// these vectors pin what such calls see (ARCHITECTURE.md, krl-jit: stack frames).
// Outer bindings at every depth, read from a function with a stack frame.
top = 1
outer = function(a) { b = a + 10; inner = function(c) { d = c + 100; [top, a, b, c, d] }; inner(a * 2) }
outer(3)
// Frames past the small sizes: 6 slots, then 18.
six = function(a, b, c) { d = a + b; e = d + c; f = e * 2; [a, b, c, d, e, f] }
six(1, 2, 3)
many = function(x) { a = x + 1; b = a + 1; c = b + 1; d = c + 1; e = d + 1; f = e + 1; g = f + 1; h = g + 1; i = h + 1; j = i + 1; k = j + 1; l = k + 1; m = l + 1; n = m + 1; o = n + 1; p = o + 1; q = p + 1; [x, q] }
many(0)
// Null and missing arguments take the default, which sees earlier parameters.
defaults = function(a, b = a * 2, c = b + 1) { [a, b, c] }
defaults(1)
defaults(1, null, 5)
defaults(1, 3, null)
defaults(c = 9, a = 2)
defaults(1, 2, 3, 4)
// Callbacks take the arguments they name, and only those.
[10, 20, 30].map(function(v) { v + 1 })
[10, 20, 30].map(function(v, i) { v + i })
[10, 20, 30].map(function(v, i, all) { all.length() + i })
[1, 2, 3].reduce(function(acc, v, i, all) { acc + v * i + all.length() }, 0)
[1, 2, 3].reduce(function(acc, v) { acc + v })
{"a": 1, "b": 2}.map(function(v, k, m) { k + v + m.keys().length() })
// Stdlib operators as callbacks drop the arguments past their parameters.
["a", "bb", "ccc"].map(length)
[["a", "b"], ["c"]].map(join)
// Recursion through a binding of the enclosing frame.
fact = function(n) { n <= 1 => 1 | n * fact(n - 1) }
fact(10)
countdown = function(n, acc = 0) { n == 0 => acc | countdown(n - 1, acc + 1) }
countdown(500)
// A heap frame that a returned closure keeps alive, next to stack-frame calls.
adder = function(x) { function(y) { x + y } }
add5 = adder(5)
[add5(1), add5(2), adder(1)(1)]
// Integer remainders take the sign of the dividend.
[7 % 3, -7 % 3, 7 % -3, -7 % -3, 7.5 % 2, -7.5 % 2, 0 % 5, 9007199254740993 % 2]
// Errors inside a stack frame.
broken = function(x) { y = x + 1; z = null; [y, z.field] }
broken(1)
