ruleset tutorial.hello {
  meta {
    shares count
  }
  global {
    count = function() {
      ent:count || 0
    }
  }
  rule greet {
    select when hello greet name re#(.+)# setting(name)
    send_directive("greeting", {"text": "Hello " + name})
    fired {
      ent:count := (ent:count || 0) + 1
      ent:last := name
    }
  }
  rule shout {
    select when hello greet
    if event:attrs{"loud"} then send_directive("shout")
  }
  rule reset {
    select when hello reset
    always {
      ent:count := 0
    }
  }
}
