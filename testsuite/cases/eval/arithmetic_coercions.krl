//> mode = "eval"
// `+` adds two Numbers and concatenates everything else (language.md §4.8).
1 + 2
0.1 + 0.2
"a" + 1
1 + "2"
"5" + 5
1 + null
null + null
true + true
true + 1
[1] + [2]
{"a": 1} + 1
1 + re#x#i
"x" + function(a) { a }
-1 + -2
// Unary plus returns its operand unchanged.
+"5"
+"abc"
+null
+[1, 2]
// Unary minus converts to Number first.
-5
-"3"
-null
-true
-false
-[1, 2]
-{"a": 1, "b": 2}
-"0x1F"
-"abc"
-re#a#
- -4
// `-` converts both sides; the error names the right operand first.
"3" - 1
[1, 2, 3] - 1
"" - 1
null - 1
true - false
"0x10" - 1
" 12 " - 2
"1.5e3" - 0
".5" - 0
"5." - 0
"0b101" - 0
"0o17" - 0
5 - "abc"
"abc" - 5
5 - {}
re#a# - 1
// `*`
"3" * "4"
null * 5
[1, 2, 3] * 2
{"a": 1, "b": 2} * 3
"abc" * 2
2 * "abc"
0.1 * 3
1.5 * 2
// `/` divides doubles; a zero divisor gives 0.
7 / 2
1 / 3
2 / 3
1 / 0
0 / 0
-5 / 0
"9" / "3"
"abc" / 2
2 / "abc"
// `%` is JavaScript's remainder.
7 % 3
-7 % 3
7 % -3
-5 % 3
5.5 % 2
5 % 0
"8" % "3"
"abc" % 2
2 % "abc"
// Precedence and associativity.
2 + 3 * 4
(2 + 3) * 4
10 - 2 - 3
100 / 10 / 5
2 * 3 % 4
1 + 2 + "3"
"1" + 2 + 3
-2 * 3
