//> mode = "parse"
ruleset t.meta_order {
  meta {
    shares a
    use module io.example.one alias one
    name "order"
    provides b
    use module io.example.two alias two
    shares c
  }
}
