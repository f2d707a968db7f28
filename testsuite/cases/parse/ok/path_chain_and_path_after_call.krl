//> mode = "parse"
ruleset t.path {
  global {
    m = {"a": {"b": 1}}
    x = m{"a"}{"b"}
    y = m{["a", "b"]}
    f = function() { m }
    z = f(){"a"}
  }
}
