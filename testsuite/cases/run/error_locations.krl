//> mode = "run"
// Runtime errors carry where they were raised: the ruleset, the rule, the function (in a
// module: the module's file and function, with the calling rule), line, column and source
// line; failed events and queries are logged with their location.
ruleset lib.helpers {
  meta { provides triple }
  global {
    triple = function(n) {
      n.as("Number") * 3 + n * {}
    }
  }
}
ruleset app.broken {
  meta {
    shares shout, cube
    use module lib.helpers alias helpers
  }
  global {
    shout = function(x) {
      x.uc() + math:nope(1)
    }
    cube = function(n) { helpers:triple(n) }
  }
  rule greet {
    select when app greet
    pre {
      loud = shout(event:attrs{"name"})
    }
    send_directive("hi", {"loud": loud})
  }
  rule typed {
    select when app typed
    pre {
      n = "abc" * {}
    }
  }
  rule via_module {
    select when app module
    send_directive("x", {"y": helpers:triple("three")})
  }
}
//- event app greet {"name": "ada"}
//- event app typed
//- event app module
//- query shout
//- query cube {"n": 2}
//- logs
