//> mode = "check"
ruleset t.too_many_arguments {
  meta { shares calls }
  global {
    double = function(n) { n * 2 }
    calls = function() { [double(1, 2), double(1), 3.double(), 3.double(4)] }
//                              ^^^^^^ error[W0109]
//                                                                     ^^^ error[W0109]
  }
}
