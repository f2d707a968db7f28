//> mode = "parse"
ruleset t.fn0 {
  global {
    answer = function() { 42 }
  }
}
