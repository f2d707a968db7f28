//> mode = "parse"
ruleset t.chevron {
  global {
    c = <<never closed
//      ^^ error[E0005]
  }
}
