//> mode = "check"
// A ruleset's own `__testing` may read the generated one under the same name: no
// self-reference, no unknown name, no unused declaration.
ruleset t.testing_self_reference {
  meta {
    shares greet
  }
  global {
    greet = function(name) { "hi " + name }
    __testing = {
      "queries": __testing["queries"].append({"name": "extra"}),
      "events": __testing{"events"},
    }
  }
  rule hello {
    select when greet hello name re#(.+)# setting(name)
    send_directive("hello", {"name": name})
  }
}
