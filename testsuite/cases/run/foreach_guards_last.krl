//> mode = "run"
// `foreach` with a value and an index, an `if` guard, `on final`, and `last` stopping the
// rules after it for this event.
ruleset test.loops {
  meta { shares log }
  global { log = function() { ent:log.defaultsTo([]) } }
  rule each {
    select when t go
    foreach [1, 2, 3] setting(n, i)
    always {
      ent:log := log().append(n) if n != 2;
      ent:log := log().append("final") on final
    }
  }
  rule stop { select when t go  always { last } }
  rule never { select when t go  always { ent:log := ["never"] } }
}
//- event t go
//- query log
