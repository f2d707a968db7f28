//> mode = "eval"
//> setup = ["act = defaction(x) { noop() }"]
// Runtime errors print as the reference prints them (language.md §7.3).
"abc" * 2
"abc" / 2
"abc" % 2
2 - "abc"
-"abc"
-{}.put("a", "b").keys().head()
5()
"f"()
null()
[1]()
x = {"a": 1}
x()
act(1)
act.typeof()
noop.typeof()
send_directive.typeof()
1.as("Array")
1.as("Map")
null.as("Null")
"x".as(5)
[1].as("Function")
"(".as("RegExp")
"x".match("[")
[1, 2].index(1).index(1)
"abc".index("a")
5.reduce(function(a, b) { a })
[1, 2].reverse().reverse().slice("x", 1)
[1, 2].slice(0, "y")
[1, 2].splice(0, "n")
5.splice(0, 1)
5.map(function(x) { x })
"abc".filter(function(x) { x })
5.any(function(x) { x })
5.collect(function(x) { x })
[1, 2].map(5)
[1, 2].filter("x")
[1].all()
5.pairwise(function(a) { a })
[[1]].pairwise(5)
[1].pairwise(function(a) { a })
"a".shiftRight(1)
"a".bor(1)
// Errors in nested calls surface unchanged.
inner = function(v) { v * "z" }
[1].map(inner)
outer = function() { inner(2) }
outer()
// Unknown names, modules and members.
nosuch
nosuch(1)
nomodule:thing
nomodule:thing(1)
stdlib:nosuch(1)
// Parse errors.
1 +
[1, 2
"unterminated
// Calling a name statically known to be an action is a compile error.
noop()
send_directive("x")
5.noop()
[1].map(noop)
a2 = act
a2(1)
