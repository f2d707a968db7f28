//> mode = "eval"
//> setup = ["length = function(x) { \"mine\" }", "map = 5"]
// Quirk 27: method calls resolve the operator name lexically, so user bindings named like
// stdlib operators hijack `x.name(...)`.
[1, 2, 3].length()
"abc".length()
length([1])
[1].map(function(x) { x })
map
[1].filter(function(x) { x })
stdlib:length([1, 2])
[1, 2].stdlib:map(function(x) { x + 1 })
