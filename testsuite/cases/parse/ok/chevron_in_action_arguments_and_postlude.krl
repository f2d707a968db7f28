//> mode = "parse"
ruleset t.chevron_use {
  rule r {
    select when t x name re#(.+)# setting(name)
    send_directive(<<hello #{name}>>)
    fired {
      log info <<greeted #{name} at #{time:now()}>>
    }
  }
}
