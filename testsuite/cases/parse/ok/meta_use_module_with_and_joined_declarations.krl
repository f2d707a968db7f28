//> mode = "parse"
ruleset t.use_with_and {
  meta {
    use module io.example.twilio alias sms with account = "AC00" and token = keys:token and from = "+1555"
  }
}
