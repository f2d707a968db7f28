ruleset fmt.events {
  rule base { select when echo:hello }
  rule attrs { select when echo hello name re#^(.*)$# age re#(\d+)#i setting(name, age) where age > 3 }
  rule where_first { select when echo hello where x setting(y) }
  rule where_only { select when echo hello where event:attrs{"x"} == 1 }
  rule infix { select when a b or c d and e f before g h then i j after k l }
  rule parens { select when (a b or c d) and e f }
  rule between { select when a b between(c d, e f) or g h not between(i j, k l) }
  rule prefix { select when and(a b, c d) or or(e f, g h) }
  rule any { select when any 2 (a b, c d, e f) }
  rule group { select when count 3 (a b) max(m) }
  rule repeat { select when repeat 5 (sensor reading temp re#(\d+)#) avg(mean) }
  rule within { select when a b before c d within 5 minutes }
  rule long { select when some_domain some_long_event_type or other_domain other_long_event_type or third third_type }
  rule where_select { select where event:domain == "x" }
}
