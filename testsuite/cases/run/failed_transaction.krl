//> mode = "run"
// A rule that fails after an `ent:` write leaves no partial write behind; the error points
// at the failing call.
ruleset test.atomic {
  meta { shares value }
  global { value = function() { ent:value } }
  rule write_then_fail {
    select when t go
    always {
      ent:value := "written";
      x = 5(1)
    }
  }
}
//- event t go
//- query value
