//> mode = "parse"
ruleset t.meta_chevron {
  meta {
    description <<
      Tracks packages from the warehouse to the porch.
      Second line, indented.
    >>
  }
}
