//> mode = "parse"
ruleset t.call_chain {
  global {
    f = function() { function() { function() { 1 } } }
    one = f()()()
  }
}
