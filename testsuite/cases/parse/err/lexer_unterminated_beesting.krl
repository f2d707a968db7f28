//> mode = "parse"
// FIXME(#2): the E0100 at the `>` of `>>` echoes the unterminated interpolation that E0005
//  already reports.
ruleset t.beesting {
  global {
    c = <<hello #{name >>
//      ^^ error[E0005]
//                      ^ error[E0100]
  }
}
