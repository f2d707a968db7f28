//> mode = "parse"
ruleset t.unclosed_map {
  global {
    x = {"a": 1
//             ^ error[E0101]
  }
  rule r { select when t x  noop() }
}
