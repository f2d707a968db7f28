//> mode = "ir"
// Rule frames: selected bindings, a `where` frame, nested `foreach` frames, `pre`,
// actions with `setting`, and every kind of postlude statement with its guard.
ruleset ir.rules {
  meta { shares total }
  global { total = function() { ent:total.defaultsTo(0) } }
  rule count {
    select when sensor reading temp re#(\d+)# setting(temp) where temp.as("Number") > 20
    foreach [1, 2] setting(x)
      foreach {"a": x} setting(v, k)
    pre { doubled = v * 2 }
    send_directive("seen", {"k": k, "v": doubled}) setting(answer)
    fired {
      ent:total := total() + doubled if k == "a";
      raise sensor event "counted" attributes {"n": doubled} on final;
      schedule sensor event "later" at time:add(time:now(), {"minutes": 1}) setting(id)
    } else {
      ent:missed{[k]} := true;
      clear ent:total
    } finally {
      log info <<#{k}>>;
      error warn "odd" if doubled % 2 == 1;
      last
    }
  }
  rule timed {
    select when a b before (c d or e f) within 5 minutes
    noop()
  }
  rule any_of {
    select where event:domain == "x"
    choose event:type {
      one => send_directive("one");
      two => send_directive("two")
    }
  }
}
