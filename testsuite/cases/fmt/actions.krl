ruleset fmt.actions {
  rule single { select when a b send_directive("x", {"k": 1}) setting(d); }
  rule conditional { select when a b if x > 1 then send_directive("big") }
  rule every { select when a b every { send_directive("one"); send_directive("two") } }
  rule sample { select when a b sample { send_directive("one") send_directive("two") } }
  rule choose { select when a b choose kind { first => send_directive("one") second => noop() } }
  rule choose_paren { select when a b choose (x.y) { first => noop() } }
  rule labelled { select when a b if true then every { lbl => http:post("http://example.com", body = {"a": 1}) setting(resp) } }
  rule empty_every { select when a b every {} }
  rule foreach { select when a b foreach [1, 2] setting(x) foreach x.range() setting(y, i) pre { z = x + y } noop() }
  rule inactive is inactive { select when a b noop() }
  rule active is active { select when a b noop() }
  rule empty {}
}
