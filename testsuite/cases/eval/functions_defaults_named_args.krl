//> mode = "eval"
// Parameters bind as pico-engine's krlNamedArgs does (language.md §5.4).
f = function(x = 5) { x }
f()
f(null)
f(0)
f(false)
f("")
f(1, 2, 3)
g = function(a, b) { [a, b] }
g(1)
g(1, 2)
g(1, a = 5)
g(b = 2)
g(b = 2, a = 1)
g(c = 3)
g(1, 2, 3)
h = function(a, b = a + 1, c = b * 2) { [a, b, c] }
h(1)
h(1, 10)
h(1, c = 0)
h(a = 2)
h()
k = function() { 42 }
k()
k(1, 2)
// Body declarations run in order before the result.
body = function(x) { y = x * 2; z = y + 1; [x, y, z] }
body(3)
seq = function(n) { a = n; b = a + 1; c = b + 1; c }
seq(1)
// Defaults see closure variables and earlier parameters.
base = 100
withBase = function(x, y = base + x) { y }
withBase(1)
// Functions are values: stored, passed and returned.
twice = function(fn, x) { fn(fn(x)) }
twice(function(v) { v * 3 }, 2)
fns = [function(x) { x + 1 }, function(x) { x * 10 }]
fns[1](5)
fns.map(function(fn) { fn(2) })
table = {"inc": function(x) { x + 1 }}
table{"inc"}(1)
table["inc"](41)
function(x) { x * x }(7)
(function() { "iife" })()
// Operators can be called as plain functions, positionally or by name.
uc("abc")
range(1, 3)
join([1, 2], sep = "-")
[1, 2].join(str = "+")
split("a-b", "-")
"x".defaultsTo("y")
null.defaultsTo("y")
"".defaultsTo("y")
null.defaultsTo()
isnull()
isnull(null)
isnull(0)
typeof()
