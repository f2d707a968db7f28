//> mode = "parse"
ruleset t.chevron_multiline {
  global {
    html = <<
      <p>// not a comment</p>
      <p>/* nor this */</p>
    >>
  }
}
