//> mode = "eval"
//> setup = ["double = function(x) { x * 2 }", "add = function(a, b) { a + b }"]
// `x.f(args)` is `f(x, args)` with `f` resolved lexically (language.md §5.5).
5.double()
"ab".double()
5.add(3)
5.add(b = 3)
5.add(a = 1, b = 2)
[1, 2].add([3])
"abc".uc()
"abc".uc().lc().length()
[3, 1, 2].sort("numeric").reverse().head()
{"a": 1}.keys().head()
(1 + 2).double()
1.5.double()
-1.double()
(-1).double()
"a".add("b").add("c")
// A function stored in a map is not called by `m.f(x)`.
m = {"f": function(x) { x + 1 }}
m{"f"}(1)
m.f(1)
// Domain method calls go to module functions.
"abc".stdlib:uc()
[1, 2].stdlib:length()
