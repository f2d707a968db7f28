//> mode = "parse"
ruleset t.defaction {
  global {
    say = defaction(message) {
      send_directive("say", {"message": message})
    }
  }
}
