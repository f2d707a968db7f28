// A ruleset that writes its own `__testing`: the query answers it, and inside the declaration
// `__testing` still names the generated map.
// krl:allow(ent-written-never-read)
ruleset test.testing.own {
  meta {
    shares joke
  }

  global {
    joke = function(topic) {
      "a " + topic + " walks into a bar"
    }
    __testing = {
      "queries": [{"name": "joke", "args": ["topic"]}, {"name": "riddle"}],
      "events": __testing["events"],
      "generated_queries": __testing{"queries"},
    }
  }

  rule laugh {
    select when joke told punchline re#(.+)# setting(punchline)
    always {
      ent:last := punchline
    }
  }
}
