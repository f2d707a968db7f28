//> mode = "run"
// Rule traces (`why`): after each event, every rule of the ruleset with its verdict, the
// reason, where it is written, its event expression's state before and after, and the
// attribute tests and `where` conditions the event went through; a failed transaction
// keeps its traces too.
ruleset test.why {
  rule both { select when t a before t b  send_directive("a before b") }
  rule guarded {
    select when t a
    if event:attrs{"go"} then send_directive("go")
  }
  rule named { select when t a name re#^x(.*)# setting(rest) }
  rule positive { select when t b where event:attrs{"n"} > 0 }
  rule counted { select when count 3 (t a) }
  rule stopper { select when t stop  always { last } }
  rule after_stop { select when t stop }
  rule sleeping is inactive { select when t a }
  rule on_c { select where event:attrs{"c"} == true }
  rule broken { select when t boom where event:type() == "boom" }
}
//- event t a {"name": "y"}
//- why
//- event t a {"name": "xz", "go": true}
//- why
//- event t b {"n": 0}
//- why
//- event t stop
//- why
//- event t c {"c": true}
//- why
//- event t boom
//- why
