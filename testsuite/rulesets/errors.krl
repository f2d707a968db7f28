// Errors: a runtime error in a rule fails the event and rolls its writes back, `error`
// statements raise `system:error`, and a query can fail too.
ruleset test.errors {
  meta {
    shares divide, problems, state
  }

  global {
    divide = function(a, b) {
      b == 0 => a() | a / b
    }
    problems = function() {
      ent:problems.defaultsTo([])
    }
    state = function() {
      {
        "before_failure": ent:before_failure,
        "result": ent:result,
        "after_warning": ent:after_warning,
        "after_error": ent:after_error,
      }
    }
  }

  rule broken {
    select when fail hard
    pre {
      value = event:attrs{"n"}.as("Number")
    }
    always {
      ent:before_failure := value
      ent:result := value()
    }
  }

  rule complain {
    select when fail soft
    always {
      error warn "something looks off"
      ent:after_warning := true
    }
  }

  rule give_up {
    select when fail stop
    always {
      error error "cannot go on"
      ent:after_error := true
    }
  }

  rule collect_problems {
    select when system error
    always {
      ent:problems := problems().append(event:attrs{"data"})
    }
  }
}
