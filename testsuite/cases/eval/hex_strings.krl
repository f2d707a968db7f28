//> mode = "eval"
// "Hex" strings: typeof Hex, numeric in arithmetic and ordering, text elsewhere.
"0xAF".typeof()
"0XAB".typeof()
"0x1f".typeof()
"0x".typeof()
"0xG1".typeof()
" 0x1F".typeof()
"-0x1F".typeof()
"0xAF".as("Number")
"0x1F" + 1
"0x1F" - 1
"0x10" * 2
"0x10" == 16
"0x10" <=> 16
"0x10" > 15
"0xff".as("Hex")
255.as("Hex")
255.as("Hex").typeof()
"0xFF".as("String")
"0xFF".length()
"0x10".range(18)
-"0x10"
"0x10".as("Boolean")
true.as("Hex")
[1].as("Hex")
{"a": 1}.as("Hex")
