//> mode = "parse"
ruleset io.app.2x {
//      ^^^^^^^^^ error[E0107]
}
