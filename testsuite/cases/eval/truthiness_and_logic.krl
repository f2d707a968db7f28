//> mode = "eval"
// JavaScript truthiness (language.md §4.3).
not false
not true
not null
not 0
not -0
not ""
not "0"
not "false"
not []
not {}
not re#a#
not function() { 1 }
not 0.5
not not 5
// `&&` and `||` return an operand, not a boolean.
0 && 1
1 && 0
[] && 1
"" && 1
null && 1
1 && "x"
0 || "x"
[] || 1
false || null
null || false
"a" || "b"
0 || 0
// They short-circuit: the right side is never evaluated.
false && (1 / "a")
true || (1 / "a")
true && (1 / "a")
// Precedence: `&&` binds tighter than `||`, `not` tighter than both.
true || false && false
(true || false) && false
not true || true
not (true || true)
1 < 2 && 2 < 3
