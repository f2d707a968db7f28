//> mode = "check"
ruleset t.operand_type_error {
  meta { shares samples }
  global {
    samples = function(n) {
      [
        "a" - 1,
//      ^^^ error[E0304]
        2 * "two",
//          ^^^^^ error[E0304]
        -"abc",
//       ^^^^^ error[E0304]
        re#x# / 2,
//      ^^^^^ error[E0304]
        (function() { 1 }) % 2,
//      ^^^^^^^^^^^^^^^^^^ error[E0304]
        "3" - 1,
        " 1.5e3 " * 2,
        "" - 1,
        "0x1F" - 1,
        [1, 2, 3] - 1,
        {"a": 1} * 3,
        null * 5,
        true - false,
        n - 1,
        "x".uc() - 1
      ]
    }
  }
}
