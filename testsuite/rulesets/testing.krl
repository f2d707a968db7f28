// `__testing`: the map pico-engine generates from a ruleset (its shared names with their
// parameters, and the events its rules select with the attributes they read), and a ruleset's
// own `__testing`, which wins and can read the generated one under the same name. The rules
// only read attributes, in every form the generator knows, and use none of them:
// krl:allow(unused-declaration, deprecated-syntax, unmatched-event-attribute)
ruleset test.testing.generated {
  meta {
    shares double, greeting, sum_alias
  }

  global {
    double = function(n) {
      n * 2
    }
    sum = function(a, b) {
      a + b
    }
    sum_alias = sum
    greeting = "hello"
  }

  // The attribute matched in the select goes to the event seen so far; the ones read in the
  // body go to both events.
  rule reading {
    select when thermo reading temp re#(\d+)# or thermo alert
    pre {
      place = event:attr("place")
      unit = event:attrs{"unit"}
      sensor = event:attrs.get("sensor")
      ignored = event:attrs["not_listed"]
    }
  }

  // The same event in another rule is another entry; within a rule it is listed once.
  rule twice {
    select when thermo reading then thermo reading
    pre {
      first = event:attrs{"first"}
    }
  }

  rule dormant is inactive {
    select when thermo off
  }
}
