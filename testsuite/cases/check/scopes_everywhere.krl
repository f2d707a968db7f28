//> mode = "check"
ruleset t.scopes_everywhere {
  meta {
    configure using limit = 3
    shares under_limit
  }
  global {
    under_limit = function(readings, cutoff = limit) { readings.filter(function(v) { v < cutoff }) }
    notify = defaction(message) {
      every { send_directive("note", {"message": message}) setting(sent) }
      return sent
    }
  }
  rule all_settings {
    select when t reading value re#(\d+)# setting(value)
            or t sample value re#(\d+)# setting(value)
    foreach [1, 2] setting(item, idx)
    pre {
      doubled = value.as("Number") * item + idx
    }
    notify(doubled) setting(result)
    fired {
      note = result;
      schedule t event "later" at time:add(time:now(), {"minutes": 1}) attributes {"note": note} setting(job);
      ent:jobs := ent:jobs.defaultsTo([]).append(job)
    }
  }
  rule aggregate {
    select when repeat 3 (t temp degrees re#(\d+)# setting(deg)) max(highest)
    send_directive("max", {"highest": highest, "last": deg, "tests": __testing})
  }
}
