//> mode = "parse"
ruleset t.use_with_bare {
  meta {
    use module io.example.store with region = "eu" bucket = "photos"
    shares list
  }
}
