//> mode = "parse"
ruleset t.chevron_beesting {
  global {
    name = "Ada"
    n = 3
    text = <<Hello #{name}, you have #{n} item#{n == 1 => "" | "s"}>>
  }
}
