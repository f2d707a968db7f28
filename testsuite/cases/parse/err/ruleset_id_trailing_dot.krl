//> mode = "parse"
ruleset io.example. {
//      ^^^^^^^^^^^ error[E0107]
}
