//> mode = "parse"
ruleset t.defaction_return {
  global {
    fetch = defaction(url) {
      http:get(url) setting(response)
      return response{"content"}.decode()
    }
  }
}
