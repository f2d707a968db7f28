//> mode = "run"
// `before`: `t a` then `t b` in that order, other events in between ignored; the state
// resets once the rule fired.
ruleset test.seq {
  rule both { select when t a before t b  send_directive("a before b") }
}
//- event t b
//- event t a
//- event t c
//- event t b
//- event t b
