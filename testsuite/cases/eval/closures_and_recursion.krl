//> mode = "eval"
// Closures capture their defining scope (language.md §4.15, §5.4).
mk = function(n) { function(x) { x + n } }
add5 = mk(5)
add5(1)
mk(10)(1)
[1, 2, 3].map(mk(100))
counter = function(start) { function() { start + 1 } }
counter(41)()
compose = function(f, g) { function(x) { f(g(x)) } }
compose(function(x) { x + 1 }, function(x) { x * 2 })(5)
curry = function(a) { function(b) { function(c) { a + b + c } } }
curry(1)(2)(3)
curry("a")("b")("c")
// Recursion works through the declaration name.
fib = function(n) { n < 2 => n | fib(n - 1) + fib(n - 2) }
fib(0)
fib(1)
fib(10)
fib(20)
fact = function(n) { n <= 1 => 1 | n * fact(n - 1) }
fact(10)
fact(25)
fact(170)
fact(171)
sum = function(list) { list.length() == 0 => 0 | list.head() + sum(list.tail()) }
sum([1, 2, 3, 4])
// Mutual recursion: functions in one block see each other.
evens = function(n) { n == 0 => true | odds(n - 1) }
odds = function(n) { n == 0 => false | evens(n - 1) }
evens(10)
odds(7)
// Deep but bounded recursion is fine.
down = function(n) { n == 0 => "done" | down(n - 1) }
down(5000)
// Shadowing: an inner binding hides an outer one.
x = 1
shadow = function(x) { x * 10 }
shadow(2)
x
outer = function() { x = 7; inner = function() { x }; inner() }
outer()
// Closures inside iterator callbacks see loop variables.
[1, 2, 3].map(function(i) { function() { i * i } }).map(function(fn) { fn() })
acc = function(list) { list.reduce(function(a, b) { a.append(b * 2) }, []) }
acc([1, 2, 3])
