//> mode = "run"
// A raised event runs after every rule the current event selected (breadth first), and
// its attributes reach the selecting rule's `setting`.
ruleset test.raise {
  rule first { select when t start  send_directive("first")  fired { raise t event "next" attributes {"n": 1} } }
  rule second { select when t start  send_directive("second") }
  rule next { select when t next n re#(\d)# setting(n)  send_directive("next " + n) }
}
//- event t start
//- event t next {"n": "7"}
//- event t next {"n": "x"}
