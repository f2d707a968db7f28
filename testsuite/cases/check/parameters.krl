//> mode = "check"
ruleset t.parameters {
  meta { shares twice, pad, fine }
  global {
    twice = function(n, n) { n * 2 }
//                      ^ error[E0206]
    pad = function(text, width = 10, fill) { text + width + fill }
//                                   ^^^^ error[E0207]
    fine = function(text, width = 10, fill = " ") { text + width + fill }
  }
}
