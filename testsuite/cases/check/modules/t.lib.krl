ruleset t.lib {
  meta {
    provides greeting, greet
  }
  global {
    greeting = function(name) { "hi " + name }
    secret = "not provided"
    greet = defaction(name) {
      send_directive("hi", {"name": name})
    }
  }
}
