ruleset fmt.chevrons {
  global {
    greeting = <<Hello #{name}!>>
    nested = <<outer #{<<inner #{x /* a comment in a beesting */}>>} done>>
    escaped = <<a \>> b \#{not a beesting}>>
    block = <<
      line one
        line two #{ x + 1 }
    >>
  }
}
