//> mode = "check"
ruleset t.deprecated_syntax {
  version "1.0"
//        ^^^^^ warning[W0107]
  meta {
    logging on
//  ^^^^^^^^^^ warning[W0107]
  }
  rule old {
    select when t old name re#(.*)# where name != "" setting(name)
//                                        ^^^^^^^^^^ warning[W0107]
    send_directive("hi", {"name": name, "legacy": event:attr("name")})
//                                                ^^^^^^^^^^^^^^^^^^ warning[W0107]
  }
  rule classic_forms {
    select when t classic setting(name)
//                                ^^^^ warning[W0107]
    pre {
      config = {"name": "x"}
      value = config.name
//            ^^^^^^^^^^^ warning[W0107]
      called = config.keys()
    }
    send_directive("hi", {"name": name, "value": value, "called": called})
  }
  rule new {
    select when t new name re#(.*)# setting(name) where name != ""
    send_directive("hi", {"name": name, "current": event:attrs{"name"}})
  }
}
