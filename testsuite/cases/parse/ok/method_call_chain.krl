//> mode = "parse"
ruleset t.methods {
  global {
    words = "a b c".split(" ").map(function(w) { w.uc() }).join("-")
  }
}
