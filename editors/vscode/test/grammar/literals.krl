// SYNTAX TEST "source.krl" "chevrons, beestings, regexes, strings and comments"
x = <<Hello #{name.uc()}, you have #{n} item#{n == 1 => "" | "s"}>>
//  ^^ punctuation.definition.string.begin.krl
//    ^^^^^^ string.unquoted.chevron.krl
//          ^^ punctuation.section.embedded.begin.krl
//            ^^^^ meta.embedded.beesting.krl
//                 ^^ entity.name.function.call.krl
//                     ^ punctuation.section.embedded.end.krl
//                                                      ^^ string.quoted.double.krl
//                                                               ^^ punctuation.definition.string.end.krl
y = <<a \>> b \#{not} #{ {"k": 1}{"k"} } c>>
//      ^^ constant.character.escape.krl
//            ^^^ constant.character.escape.krl
//                    ^^ punctuation.section.embedded.begin.krl
//                                     ^ punctuation.section.embedded.end.krl
//                                       ^ string.unquoted.chevron.krl
z = "a \"quoted\" // not a comment"
//     ^^ constant.character.escape.krl
//                ^^ string.quoted.double.krl
r = re#a/b\#c#gi
//  ^^^ punctuation.definition.string.begin.krl
//        ^^ constant.character.escape.krl
//           ^ punctuation.definition.string.end.krl
//            ^^ keyword.other.regex-flags.krl
/* block
   comment */ n = 1.5
// <-- comment.block.krl
//                 ^^^ constant.numeric.krl
b = true && not null
//  ^^^^ constant.language.krl
//       ^^ keyword.operator.logical.krl
//          ^^^ keyword.operator.word.krl
