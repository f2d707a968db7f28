//> mode = "eval"
// Numbers print as JavaScript's Number.prototype.toString (language.md §4.4).
100
1.0
1.50
007
0.000001
0.0000001
0.00000015
1000000000000000000000
100000000000000000000
123456789012345678901234567890
9007199254740993
0.1 + 0.2
2 / 3
1 / 3 * 3
-0
0 * -1
1e3
(0.000001).as("String")
(0.0000001).as("String")
(1000000000000000000000).as("String")
(0.1 + 0.2).as("String")
(2 / 3).as("String")
(-0).as("String")
(5).as("String")
(-1.5).as("String")
1.5.as("String")
(10000000000 * 10000000000 * 10).as("String")
// String to number conversion (language.md §4.5).
"".as("Number")
"   ".as("Number")
" +5 ".as("Number")
"-5".as("Number")
"1.5e3".as("Number")
"1e-7".as("Number")
".5".as("Number")
"5.".as("Number")
"0x1F".as("Number")
"-0x1F".as("Number")
"0b101".as("Number")
"0o17".as("Number")
"12px".as("Number")
"1,000".as("Number")
"Infinity".as("Number")
"NaN".as("Number")
null.as("Number")
true.as("Number")
[1, 2, 3].as("Number")
{"a": 1}.as("Number")
re#a#.as("Number")
// Overflow gives Infinity, which KRL does not treat as a Number.
(1000000000000000000000 * 1000000000000000000000 * 1000000000000000000000 * 1000000000000000000000 * 1000000000000000000000 * 1000000000000000000000 * 1000000000000000000000 * 1000000000000000000000 * 1000000000000000000000 * 1000000000000000000000 * 1000000000000000000000 * 1000000000000000000000 * 1000000000000000000000 * 1000000000000000000000 * 1000000000000000000000).typeof()
big = 1000000000000000000000 * 1000000000000000000000 * 1000000000000000000000 * 1000000000000000000000 * 1000000000000000000000 * 1000000000000000000000 * 1000000000000000000000 * 1000000000000000000000 * 1000000000000000000000 * 1000000000000000000000 * 1000000000000000000000 * 1000000000000000000000 * 1000000000000000000000 * 1000000000000000000000 * 1000000000000000000000
big.as("String")
big + 1
big * 2
[big]
// Bit operations work on 32-bit integers.
5.band(3)
5.bor(3)
5.bxor(3)
"12".band(10)
4294967296.bor(0)
5.bnot()
1.shiftLeft(31)
-16.shiftRight(2)
1.shiftLeft(33)
"a".band(1)
"a".bnot()
"a".shiftLeft(1)
// Hex conversions.
255.as("Hex")
-255.as("Hex")
1.5.as("Hex")
