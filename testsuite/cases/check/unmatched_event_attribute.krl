//> mode = "check"
ruleset t.unmatched_event_attribute {
  rule misspelt {
    select when echo hello name re#(.+)# setting(name)
    send_directive("hi", {"name": name, "again": event:attrs{"nmae"}})
//                                               ^^^^^^^^^^^^^^^^^^^ warning[W0110]
  }
  rule unlisted {
    select when echo hello where event:attrs{"id"} > 0
    send_directive("hi", {"id": event:attrs{"id"}, "lang": event:attrs{"language"}})
//                                                         ^^^^^^^^^^^^^^^^^^^^^^^ warning[W0110]
  }
  rule no_attributes_in_select {
    select when echo hello
    send_directive("hi", {"name": event:attrs{"name"}})
  }
  rule tested_with_default {
    select when echo hello name re#(.+)# setting(name)
    send_directive("hi", {"name": name, "lang": event:attrs{"language"}.defaultsTo("en")})
  }
  rule tested_in_guard {
    select when echo hello name re#(.+)# setting(name)
    pre {
      lang = event:attrs{"language"}
    }
    if event:attrs{"language"} then send_directive("hi", {"name": name, "lang": lang})
  }
  rule tested_by_membership {
    select when echo hello name re#(.+)# setting(name)
    pre {
      lang = event:attrs >< "language" => event:attrs{"language"} | "en"
    }
    send_directive("hi", {"name": name, "lang": lang})
  }
}
