//> mode = "parse"
ruleset t.cond_chain {
  // `a => b | c => d | e` is `a => b | (c => d | e)`.
  global {
    size = n < 10 => "small" | n < 100 => "medium" | "large"
  }
}
