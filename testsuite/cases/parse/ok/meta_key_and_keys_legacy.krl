//> mode = "parse"
ruleset t.keys {
  meta {
    key twilio {"account_sid": "AC00", "auth_token": "x"}
    keys weather "0123abcd"
  }
}
