// Keeps what arrives over subscriptions and answers with a greeting from its configuration.
ruleset test.system.inbox {
  meta {
    configure using greeting = "hello"
    shares received, greet
  }

  global {
    received = function() {
      ent:received.defaultsTo([])
    }
    greet = function(name) {
      greeting + ", " + name
    }
  }

  rule keep {
    select when inbox message
    send_directive("kept", {"text": event:attrs{"text"}})
    always {
      ent:received := received().append(event:attrs{"text"})
    }
  }
}
