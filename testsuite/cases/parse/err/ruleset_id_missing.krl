//> mode = "parse"
ruleset {
//     ^ error[E0107]
}
