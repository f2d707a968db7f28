//> mode = "parse"
ruleset t.misspelt_select {
  rule hello {
    selct when t hello
//  ^^^^^ error[E0118]
    send_directive("hi")
  }
}
