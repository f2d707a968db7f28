//> mode = "parse"
ruleset t.foreach1 {
  rule r {
    select when list refresh
    foreach ["a", "b", "c"] setting(item)
    send_directive("item", {"item": item})
  }
}
