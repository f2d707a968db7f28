// Event selection: attribute patterns with captures, `where`, `or`, `and`, `before`,
// `then`, raised events handled in the same transaction, and `last`.
ruleset test.events {
  meta {
    shares seen
  }

  global {
    seen = function() {
      ent:seen.defaultsTo([])
    }
  }

  rule greet {
    select when greet hello name re#^(\w+)$# setting(name)
    send_directive("hello", {"name": name})
  }

  rule only_adults {
    select when person arrived where event:attrs{"age"}.as("Number") >= 18
    send_directive("welcome")
  }

  rule either {
    select when door opened or window opened
    send_directive("draught", {"via": event:type})
  }

  rule both {
    select when light on and heater on
    send_directive("cosy")
  }

  rule ordered {
    select when step one before step two
    send_directive("in order")
  }

  rule chained {
    select when chain start then chain next
    send_directive("chained")
  }

  rule relay {
    select when relay ping
    always {
      raise relay event "pong" attributes {"hops": 1}
    }
  }

  rule pong {
    select when relay pong
    send_directive("pong", {"hops": event:attrs{"hops"}})
    always {
      ent:seen := seen().append("pong")
    }
  }

  rule first_only {
    select when stop here
    send_directive("first")
    always {
      last
    }
  }

  rule never_after_last {
    select when stop here
    send_directive("second")
  }
}
