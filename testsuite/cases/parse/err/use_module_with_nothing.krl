//> mode = "parse"
ruleset t.with_nothing {
  meta {
    use module io.example.lib with
  }
//^ error[E0100]
}
