//> mode = "eval"
// Chevrons concatenate text with `as("String")` of each beesting (language.md §1.6).
<<hello>>
<<>>
<<#{1}|#{null}|#{[1]}|#{re#x#i}>>
<<#{1 + 2} and #{"x".uc()}>>
<<sum: #{[1, 2, 3].reduce(function(a, b) { a + b })}>>
<<#{{"a": 1}}>>
<<#{true}#{false}>>
<<a \>> b>>
<<a \#{1} b>>
<<back\\slash>>
<<"quotes" stay>>
<<#{0.1 + 0.2}>>
<<#{1000000000000000000000}>>
name = "Ada"
<<Hello, #{name}!>>
<<#{<<nested #{name}>>}>>
<<two \
lines>>
<<#{function(x) { x }}>>
<<#{"a" + <<b>>}>>
