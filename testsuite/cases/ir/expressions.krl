//> mode = "ir"
// Operators, short-circuits, indexing, chevrons, stdlib calls with and without named
// arguments, and module values.
ruleset ir.expressions {
  global {
    xs = [1, "two", {"three": 3}]
    pick = xs[2]{"three"} || null
    text = <<#{xs.length()} items, first #{xs[0]}>>
    flags = not (xs.length() > 2) && xs.isnull()
    joined = xs.map(function(x) { x.as("String") }).join(",")
    named = math:round(3.7)
    now = time:now()
    cut = "abcdef".substr(1, 3)
    matched = "a1b2".extract(re#(\d)#g)
  }
}
