//> mode = "check"
ruleset t.event_attrs_call {
  rule called {
    select when t call
    pre {
      name = event:attrs("name")
//           ^^^^^^^^^^^^^^^^^^^ error[E0303]
      everything = event:attrs()
//                 ^^^^^^^^^^^^^ error[E0303]
      fine = event:attrs{"name"}
      whole = event:attrs
    }
    send_directive("r", {"name": name, "all": everything, "fine": fine, "whole": whole})
  }
}
