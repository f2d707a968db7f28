ruleset fmt.postlude {
  rule statements {
    select when a b
    noop()
    fired {
      ent:x := 1;
      ent:m{"k"} := 2;
      ent:m{["a", "b"]} := event:attrs{"v"}
      clear ent:x;
      clear ent:m{"k"}
      raise echo event "hello";
      raise echo event "hello" for "some.rid" attributes {"a": 1}
      raise event "echo:hello" attributes event:attrs
      raise wrangler event "child_created" attributes {"name": name, "id": id, "eci": eci, "rids": rids, "more": more}
      schedule echo event "later" at time:add(time:now(), {"minutes": 5}) attributes {} setting(id)
      schedule echo event "tick" repeat "*/5 * * * *"
      log info "message"
      log debug <<value is #{x}>>
      error warn "something odd"
      local = 1
      last
      last if x > 2
      ent:done := true on final
    } else {
      log error "not fired"
    } finally {
      ent:count := ent:count.defaultsTo(0) + 1
    }
  }
  rule notfired { select when a b noop() notfired { last } }
  rule always { select when a b always { } }
}
