//> mode = "parse"
ruleset t.foreach_nested {
  rule r {
    select when grid draw
    foreach [1, 2, 3] setting(x)
    foreach [4, 5] setting(y)
    send_directive("cell", {"x": x, "y": y})
  }
}
