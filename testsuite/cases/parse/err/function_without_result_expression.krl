//> mode = "parse"
// FIXME(#2): recovery: a broken function in `global` loses the whole `global` block, which
//  then shows up as a rule-level error node.
ruleset t.no_result {
  global {
    f = function() {}
//                  ^ error[E0110]
  }
}
