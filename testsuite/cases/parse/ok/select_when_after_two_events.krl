//> mode = "parse"
ruleset t.after2 {
  rule r {
    select when door closed after door opened
    noop()
  }
}
