//> mode = "run"
// An error in `global` fails the install with its location (no rule: initialisation).
ruleset app.init {
  global {
    x = 1
    y = "x" * {}
  }
}
