//> mode = "parse"
ruleset t.columns {
  // Caret columns count characters, so the accented letters before the error do not shift it.
  global {
    s = "héllo wörld" + ¬x
//                      ^ error[E0001]
  }
}
