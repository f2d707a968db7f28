//> mode = "run"
// The `error` statement raises `system:error` for its own ruleset only (engine.md §3.11.1,
// §3.14); level `error` also drops the rest of the transaction's schedule, earlier raises
// included (the bystander neither catches it nor sees `t:fail`), while other levels keep
// the order of raises.
ruleset test.failing {
  rule fail {
    select when t fail
    always {
      raise t event "before";
      error error "boom"
    }
  }
  rule note {
    select when t note
    always {
      raise t event "first";
      error info "fyi";
      raise t event "second"
    }
  }
  rule caught {
    select when system error
    send_directive("caught", {"rid": event:attrs{"rid"}, "level": event:attrs{"level"}, "data": event:attrs{"data"}})
  }
  rule seen { select when t first or t second or t before  send_directive(event:type) }
}
ruleset test.bystander {
  rule caught { select when system error  send_directive("bystander caught") }
  rule late { select when t fail or t note  send_directive("bystander ran " + event:type) }
}
//- event t fail
//- event t note
