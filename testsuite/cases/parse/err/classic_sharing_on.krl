//> mode = "parse"
ruleset t.sharing {
  meta {
    sharing on
//  ^^^^^^^ error[E0103]
  }
}
