ruleset t.visibility_module {
  meta {
    configure using secret = ""
    provides greeting
  }
  global {
    greeting = function() { secret }
  }
}
