//> mode = "parse"
ruleset t.method_domain {
  // A method name may carry a domain: `x.d:f()`.
  global {
    x = [3, 1, 2].math:sort()
  }
}
