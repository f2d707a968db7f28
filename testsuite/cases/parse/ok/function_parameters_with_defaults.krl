//> mode = "parse"
ruleset t.fn_defaults {
  global {
    greet = function(name, greeting = "Hello", punct = "!") { greeting + ", " + name + punct }
  }
}
