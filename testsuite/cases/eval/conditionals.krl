//> mode = "eval"
// `c => a | b` tests truthiness and evaluates only the chosen branch (language.md §4.9).
true => "y" | "n"
false => "y" | "n"
"0" => "y" | "n"
0 => "y" | "n"
"" => "y" | "n"
null => "y" | "n"
[] => "y" | "n"
{} => "y" | "n"
1 > 2 => "big" | "small"
true => "ok" | 1 / "a"
false => 1 / "a" | "ok"
// Chains associate to the right.
sign = function(n) { n < 0 => -1 | n == 0 => 0 | 1 }
sign(-5)
sign(0)
sign(9)
grade = function(s) { s >= 90 => "A" | s >= 80 => "B" | s >= 70 => "C" | "F" }
[95, 85, 75, 5].map(grade)
(true => 1 | 2) + 10
true => (1 | 2) | 3
// The branches can be any expression.
true => [1, 2].map(function(x) { x * 2 }) | null
false => null | {"a": 1}
