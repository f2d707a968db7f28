//> mode = "eval"
// `==` is deep equality without coercion (language.md §4.6).
1 == 1
1 == 1.0
0 == -0
1 == "1"
true == 1
null == 0
null == false
null == null
"a" == "a"
"0x10" == 16
[1, 2] == [1, 2]
[1, 2] == [2, 1]
[[1], {"a": [2]}] == [[1], {"a": [2]}]
{"a": 1, "b": 2} == {"b": 2, "a": 1}
{"a": null} == {}
{} == {}
[] == []
[] == {}
re#a#i == re#a#i
re#a#i == re#a#
1 != 1
1 != "1"
[1] != [1]
f = function() { 1 }
f == f
f == function() { 1 }
// Ordering converts to Number when both sides convert, else compares strings.
1 < 2
2 < 1
"10" < "9"
"10" cmp "9"
"abc" < 5
"abc" > 5
null < 1
null <=> 0
[1, 2] < [1, 2, 3]
{"a": 1} <=> [5]
"a" <=> "B"
"a" <=> "b"
"b" <=> "a"
true > false
"x" <=> null
1 <=> "1"
1 <= 1
1 >= 2
2 >= 2
"0x10" > 15
"abc" <= "abd"
"" < "a"
"Z" < "a"
// Strings compare by UTF-16 units: an astral character sorts before U+FF00.
"😀" < "｀"
// `cmp` always compares the string forms.
10 cmp 9
9 cmp 10
null cmp 0
"a" cmp "a"
[1] cmp "[Array]"
