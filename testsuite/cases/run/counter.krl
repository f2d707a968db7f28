//> mode = "run"
// State across events, a query of a shared function, an event nothing selects, and the
// reference's errors for a query of a ruleset not installed and of a function not shared.
ruleset test.counter {
  meta { shares total }
  global { total = function() { ent:total.defaultsTo(0) } }
  rule increment {
    select when counter inc
    send_directive("count", {"was": total()})
    always { ent:total := total() + 1 }
  }
}
//- event counter dec
//- query total
//- event counter inc
//- event counter inc
//- event counter inc
//- query total
//- ent total
//- query nope/total
//- query secret
