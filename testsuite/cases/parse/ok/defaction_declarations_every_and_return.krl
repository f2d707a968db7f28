//> mode = "parse"
ruleset t.defaction_every {
  global {
    notify = defaction(to, text = "ping") {
      body = {"to": to, "text": text}
      every {
        http:post("https://example.com/sms", json = body) setting(sent)
        send_directive("notified", body)
      }
      return sent
    }
  }
}
