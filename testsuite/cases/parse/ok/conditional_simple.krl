//> mode = "parse"
ruleset t.cond {
  global {
    label = n == 1 => "item" | "items"
  }
}
