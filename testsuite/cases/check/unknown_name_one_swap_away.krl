//> mode = "check"
ruleset t.unknown_name_one_swap_away {
  meta { shares hello }
  global {
    hello = function(name) { "Hello, " + nmae + name }
//                                       ^^^^ error[E0201]
  }
}
