//> mode = "check"
ruleset t.unknown_name {
  meta { shares greet }
  global {
    name = "Ada"
    greet = function() { "hi " + nme + name.uc() + "!".nosuch() }
//                               ^^^ error[E0201]
//                                                     ^^^^^^ error[E0201]
  }
}
