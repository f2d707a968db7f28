//> mode = "eval"
// Only `\"` and `\\` are escapes in KRL strings; everything else stays verbatim.
"a\"b"
"a\\b"
"a\nb"
"a\tb".length()
"line one \
line two"
// Case and whitespace operators.
"Hello".uc()
"Hello".lc()
"ß".uc()
"hello world".capitalize()
"".capitalize()
"  pad  ".trim()
"  pad  ".trimLeading()
"  pad  ".trimTrailing()
5.uc()
// Length counts symbols; most other operators use UTF-16 units.
"abc".length()
"".length()
"😀".length()
"😀".ord()
"A".ord()
"".ord()
65.chr()
65601.chr()
"66".chr()
"abc".chr()
// substr(start, len): len 0 means "to the end", reversed bounds are swapped.
"abcdef".substr(2)
"abcdef".substr(2, 3)
"abc".substr(1, 0)
"abc".substr(0, 0)
"abc".substr(-1)
"abc".substr(5)
"abc".substr(2, -5)
"This is a string".substr(5, -5)
"This is a string".substr(5, -15)
"abc".substr(null)
"abc".substr("1")
// split
"a;b;".split(";")
"".split(",")
"abc".split("")
"a1b22c".split(re#\d+#)
"a1b".split(re#(\d)#)
"anullb".split(null)
// contains, startsWith, endsWith take the stringified target.
"abc".contains("b")
"abc".contains(re#b#)
"re#b#!".contains(re#b#)
"abc".startsWith("ab")
"abc".endsWith("bc")
"abc".endsWith("")
123.startsWith(12)
// sprintf
3.sprintf("%d items, %d total")
"Ada".sprintf("Hi %s!")
"Ada".sprintf("%d")
5.sprintf("\\%d is %d")
[1].sprintf("%s")
5.sprintf(null)
"$&".sprintf("<%s>")
"x".sprintf("%s%s")
// String conversions of other values.
null.as("String")
true.as("String")
[1, 2].as("String")
{"a": 1}.as("String")
re#a/b#gi.as("String")
function(x) { x }.as("String")
send_directive.as("String")
noop.as("String")
