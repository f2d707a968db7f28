//> mode = "parse"
ruleset t.fn_semi_array {
  // A `;` or `return` keeps a final array from indexing the declaration before it.
  global {
    pair = function(a) { b = a + 1; [a, b] }
    pair2 = function(a) { b = a + 1 return [a, b] }
  }
}
