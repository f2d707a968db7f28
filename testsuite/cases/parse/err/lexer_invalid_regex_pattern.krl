//> mode = "parse"
ruleset t.bad_regex {
  global {
    r = re#[a-#
//      ^^^^^^^ error[E0006]
  }
}
