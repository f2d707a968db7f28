//> mode = "parse"
ruleset t.event_send {
  rule r {
    select when t x
    event:send({"eci": ent:peer, "domain": "peer", "type": "ping", "attrs": {}})
  }
}
