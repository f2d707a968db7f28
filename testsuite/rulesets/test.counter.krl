// A module: configured by its users, providing a function and an action.
ruleset test.counter {
  meta {
    configure using step = 1
    provides next, bump
  }

  global {
    next = function(n) {
      n + step
    }
    bump = defaction(name) {
      send_directive("bumped", {"name": name, "step": step})
    }
  }
}
