//> mode = "run"
// `schedule ... at` fires once when the manual clock reaches it (a time already past on
// the next clock step), `repeat` on its cron spec every minute until removed; a bad cron
// spec or time fails the rule and schedules nothing.
ruleset test.schedule {
  meta { shares fired, count }
  global {
    fired = function() { ent:fired.defaultsTo([]) }
    count = function() { schedule:list().length() }
  }
  rule at {
    select when t at
    always { schedule t event "tick" at event:attrs{"when"} attributes {"n": event:attrs{"n"}} }
  }
  rule repeat {
    select when t repeat
    always { schedule t event "tick" repeat "* * * * *" attributes {"n": "every minute"} setting(rec); ent:rec := rec{"id"} }
  }
  rule bad_cron { select when t bad_cron  always { schedule t event "x" repeat "every minute" } }
  rule remove { select when t remove  schedule:remove(ent:rec) }
  rule tick {
    select when t tick
    always { ent:fired := fired().append(event:attrs{"n"}) }
  }
}
//- event t at {"when": 1577836805000, "n": "in five seconds"}
//- event t at {"when": "2020-01-01T00:00:02Z", "n": "iso"}
//- event t at {"when": 1577836700000, "n": "late"}
//- event t at {"when": [1], "n": "not a time"}
//- event t bad_cron
//- query count
//- time 0
//- query fired
//- time 4999
//- query fired
//- time 5000
//- query fired
//- event t repeat
//- time 60000
//- time 120000
//- query fired
//- event t remove
//- time 600000
//- query fired
//- query count
