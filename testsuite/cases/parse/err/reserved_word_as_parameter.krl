//> mode = "parse"
// FIXME(#2): the second error ("unexpected `}`" on the closing brace of `global`) is a
//  recovery echo, and the whole `global` block is lost from the tree.
ruleset t.reserved_param {
  global {
    f = function(null) { 1 }
//               ^^^^ error[E0109]
  }
//^ error[E0100]
}
