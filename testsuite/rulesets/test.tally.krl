// Uses `test.counter` twice, with different configuration, and keeps tallies in a map.
ruleset test.tally {
  meta {
    use module test.counter alias ones
    use module test.counter alias tens with step = 10
    shares tally, total
  }

  global {
    tally = function(name) {
      ent:tallies{name}.defaultsTo(0)
    }
    total = function() {
      ent:tallies.defaultsTo({}).values().reduce(
        function(a, b) {
          a + b
        },
        0,
      )
    }
  }

  rule count {
    select when tally add name re#(.+)# setting(name)
    pre {
      big = event:attrs{"big"}.defaultsTo("no") == "yes"
    }
    every {
      ones:bump(name)
    }
    always {
      ent:tallies{name} := big => tens:next(tally(name)) | ones:next(tally(name))
    }
  }

  rule forget {
    select when tally forget name re#(.+)# setting(name)
    always {
      clear ent:tallies{name}
    }
  }

  rule reset {
    select when tally reset
    always {
      clear ent:tallies
    }
  }
}
