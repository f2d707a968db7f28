//> mode = "parse"
ruleset t.sections {
  meta {
    name "sections"
  }
  global {
    limit = 3
  }
  rule first {
    select when t one
    noop()
  }
  rule second {
    select when t two
    noop()
  }
}
