//> mode = "parse"
ruleset t.greedy_flags {
  global {
    // Matches pico-engine: the flag run after `#` is greedy, so this is `re#x#ig` then `loo`.
    r = re#x#igloo
//             ^^^ error[E0116]
  }
}
