//> mode = "eval"
//> setup = ["f = function(x = \"default\") { x }"]
// Quirk 16: an explicit null triggers a parameter default.
f(null)
// Quirk 17: `+` concatenates unless both sides are Numbers; other operators use lengths.
"1" + 1
1 + null
[1, 2, 3] * 2
{"a": 1, "b": 2} - 1
// Quirk 18: division and modulo by zero give 0.
10 / 0
10 % 0
"x".length() / 0
// Quirk 19: Infinity is not a Number.
inf = 10000000000 * 10000000000 * 10000000000 * 10000000000 * 10000000000 * 10000000000 * 10000000000 * 10000000000 * 10000000000 * 10000000000 * 10000000000 * 10000000000 * 10000000000 * 10000000000 * 10000000000 * 10000000000 * 10000000000 * 10000000000 * 10000000000 * 10000000000 * 10000000000 * 10000000000 * 10000000000 * 10000000000 * 10000000000 * 10000000000 * 10000000000 * 10000000000 * 10000000000 * 10000000000 * 10000000000
inf.typeof()
inf.isnull()
inf * 2
inf - 1
-inf
inf + 1
inf == inf
inf.encode()
// NaN is null.
(inf - inf).typeof()
// Quirk 20: `==` never coerces, ordering does.
1 == "1"
1 <=> "1"
{"a": null} == {}
"10" < "9"
"10" cmp "9"
// Quirk 21: the default sort is by string.
[3, 10, 2].sort()
[3, 10, 2, null].sort("numeric")
// Quirk 22: JavaScript truthiness.
["0", "false", [], {}, 0, "", null].map(function(v) { v => true | false })
// Quirk 23: `&&` and `||` return operand values.
[] && 1
0 || [] || "x"
// Quirk 24: Hex strings are half a type.
"0x1F".typeof()
"0x1F" + 1
"0x1F" * 1
null.as("Hex")
// Quirk 25: a module function referenced without parentheses is called.
stdlib:length
stdlib:isnull
// Quirk 26: `.length` works on arrays and strings; other JS members do not leak.
[1, 2].length
{}{"constructor"}
{}.constructor
[]{"push"}
"abc".toUpperCase
// The reference has two nulls: `undefined` (the null literal, missing arguments, function
// results) triggers a parameter default, while the JavaScript null read from a map, an
// array or JSON does not. krl has one null and applies the default to both (docs/compat.md).
f({}{"missing"})
f([null][0])
f("null".decode())
f([].head())
f(function() { null }())
