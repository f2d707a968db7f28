//> mode = "parse"
ruleset t.idents {
  global {
    $price = 1
    _hidden = 2
    snake_case_2 = $price + _hidden
  }
}
