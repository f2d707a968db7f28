//> mode = "parse"
ruleset t.maps {
  global {
    empty = {}
    nested = {"a": {"b": {"c": 1}}}
    trailing = {"a": 1, "b": 2,}
    duplicate = {"a": 1, "a": 2}
  }
}
