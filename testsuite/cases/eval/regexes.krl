//> mode = "eval"
// Regexes use ECMAScript syntax and carry the g and i flags (language.md §6.6).
re#a#.typeof()
re#a/b#
re#x#gi
"abc" like re#^A#i
"abc" like re#^A#
"abc" like "b"
5 like 5
"atruething" like true
null like "null"
"abc".match(re#b#)
"abc".match("b")
"1".match(1)
0.match(re#0#)
"hello".extract(re#l#g)
"hello".extract(re#(l)(l)#)
"hello".extract(re#ll#)
"hello".extract(re#(x)?(l)#)
"hello".extract(re#z#)
"hello".extract()
"a1b2".extract("\d")
"aaa".replace("a", "b")
"aaa".replace(re#a#g, "b")
"aaa".replace(re#a#, "b")
"John Smith".replace(re#(\w+)\s(\w+)#, "$2, $1")
"abc".replace(re#b#, "[$&]")
"abc".replace(re#b#, "$$")
"abc".replace(re#b#, "$`$'")
"a.c".replace(".", "x")
"a.c".replace(".", function(m) { m.uc() })
"abc".replace(re#(b)#, function(m, g, offset, whole) { [m, g, offset, whole].encode() })
"abc".replace(re#b#, function(m) { null })
"aXbXc".replace(re#x#gi, function(m) { m.lc() })
"abc".replace(re#b#)
5.replace()
"a+b".replace("+", "-")
// JavaScript regex features: back-references and lookaround.
"abab" like re#^(ab)\1$#
"price: 30" like re#(?<=: )\d+#
"foo" like re#foo(?!bar)#
"a\nb" like re#a.b#
"café".extract(re#\w+#g)
"ABC".extract(re#[a-z]+#gi)
"abc".as("RegExp")
"a.c".as("RegExp").as("String")
[1].as("RegExp")
{"a": 1}.as("RegExp").as("String")
"x" like "("
"(".as("RegExp")
