//> mode = "parse"
ruleset t.reserved_param {
  global {
    f = function(null) { 1 }
//               ^^^^ error[E0109]
  }
}
