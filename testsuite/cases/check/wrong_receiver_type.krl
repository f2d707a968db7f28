//> mode = "check"
ruleset t.wrong_receiver_type {
  meta { shares samples }
  global {
    samples = function(m) {
      [
        5.put("a", 1),
//      ^ warning[W0113]
        "text".keys(),
//      ^^^^^^ warning[W0113]
        values([1, 2].length()),
//             ^^^^^^^^^^^^^^^ warning[W0113]
        {}.put("a", 1),
        [].put([0], 1),
        m.put("a", 1),
        "{}".decode().keys()
      ]
    }
  }
}
