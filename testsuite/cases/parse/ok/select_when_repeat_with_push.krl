//> mode = "parse"
ruleset t.repeat_push {
  rule r {
    select when repeat 3 (chat message text re#(.*)#) push(texts)
    send_directive("last three", {"texts": texts})
  }
}
