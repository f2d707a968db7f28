//> mode = "parse"
ruleset t.chevron_comment {
  // Inside a beesting comments work normally.
  global {
    text = <<a #{ 1 /* one */ + 2 } b>>
  }
}
