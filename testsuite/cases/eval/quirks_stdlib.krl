//> mode = "eval"
// Quirk 29: map key order is JavaScript object order.
{"b": 1, "a": 2, "10": 3, "2": 4}.keys()
{"z": 0, "3": 1}.values()
// Quirk 30: once, duplicates and collect group by JavaScript string form.
[1, "1", 2].once()
[1, "1", 2].duplicates()
[{"a": 1}, {"b": 2}].once()
[{"a": 1}, {"b": 2}].duplicates()
[1, 2].collect(function(x) { null })
[1, 2].collect(function(x) { {"k": x} })
[1, 2].collect(function(x) { [x, 0] })
[1, 2].collect(function(x) { x == 1 })
// Quirk 31: string length counts symbols, substr and ord count UTF-16 units.
"😀".length()
"😀a".substr(1)
"😀".ord()
"é".length()
"🇳🇴".length()
"👍🏽".length()
"😀".split("").length()
// Quirk 32: substr
"abc".substr(2, -5)
"abc".substr(1, 0)
// Quirk 33: replace
"aaa".replace("a", "b")
"a.c".replace(".", function(m) { "!" })
"abc".replace(re#b#, function(m) { null })
"abc".replace(re#b#, function(m) { {"a": 1} })
"abc".replace(re#b#, function(m) { [1, 2] })
// Quirk 34: sprintf
"$&".sprintf("<%s>")
5.sprintf("%d%d")
"v".sprintf("%s and %s")
// Quirk 35: slice(n) returns n + 1 elements; out-of-range 3-argument slices are empty.
[1, 2, 3, 4, 5].slice(2)
[1, 2, 3, 4, 5].slice(0)
[1, 2, 3, 4, 5].slice(3, 10)
[1, 2, 3, 4, 5].slice(-2, 2)
// Quirk 36: reduce of an empty array is 0; a bad reducer raises Error.
[].reduce(function(a, b) { a + b })
[1, 2].reduce("add")
// Quirk 37: append takes at most five extra arguments.
[].append(1, 2, 3, 4, 5, 6)
// Quirk 38: put and set create levels differently; delete leaves holes.
{}.put(["a", "0"], 1)
{}.set(["a", "0"], 1)
[1, 2, 3].delete(1)
[1, 2, 3].delete(1).length()
[].put([3], "x")
// Quirk 39: match with a non-string pattern is false, like stringifies.
"1".match(1)
"1" like 1
"re#b#".contains(re#b#)
// Quirk 40: isEmpty is true for every non-collection non-string.
5.isEmpty()
true.isEmpty()
function() { 1 }.isEmpty()
// Quirk 41: extract without g and without groups returns [] even on a match.
"hello".extract(re#ell#)
// Quirk 42: number formatting is JavaScript's.
1000000000000000000000
0.0000001
123e1
