//> mode = "check"
ruleset t.unsupported_meta_property {
  meta {
    keys twitter {"consumer_key": "x"}
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[E0215]
    errors to t.errors
//  ^^^^^^^^^^^^^^^^^^ error[E0215]
    provides keys twitter to t.other
//  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error[E0215]
    provides greeting
    shares greeting
  }
  global {
    greeting = function() { "hi" }
  }
}
