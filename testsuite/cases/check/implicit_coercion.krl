//> mode = "check"
ruleset t.implicit_coercion {
  meta { shares samples, inferred }
  global {
    samples = function(n) {
      [1 + "2", "2" + 1, 1 == "1", -1 < "0", 1 + 2, "1" + "2", n + "2", 1 * "2", "1" + 2.as("String")]
//     ^^^^^^^ warning[W0105]
//              ^^^^^^^ warning[W0105]
//                       ^^^^^^^^ warning[W0105]
//                                 ^^^^^^^^ warning[W0105]
    }
    inferred = function(xs) {
      [xs.length() + " items", [1].length() + "x", "items: " + [1].length(), [1, 2] + 3, "a".uc() + "b"]
//     ^^^^^^^^^^^^^^^^^^^^^^ warning[W0105]
//                             ^^^^^^^^^^^^^^^^^^ warning[W0105]
//                                                                           ^^^^^^^^^^ warning[W0105]
    }
  }
}
