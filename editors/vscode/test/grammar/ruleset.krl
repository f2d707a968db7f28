// SYNTAX TEST "source.krl" "rulesets, meta, rules and event expressions"
ruleset io.example.counter {
// <------- storage.type.ruleset.krl
//      ^^^^^^^^^^^^^^^^^^ entity.name.namespace.ruleset.krl
  meta {
    use module io.example.lib alias lib
//  ^^^ keyword.other.use.krl
//             ^^^^^^^^^^^^^^ entity.name.namespace.ruleset.krl
//                                  ^^^ entity.name.namespace.alias.krl
    shares count_of
//  ^^^^^^ keyword.other.meta.krl
  }
  global {
    count_of = function(name) { ent:counts{name}.defaultsTo(0) }
//  ^^^^^^^^ entity.name.function.krl
//             ^^^^^^^^ storage.type.function.krl
//                              ^^^ support.class.domain.krl
//                                 ^ punctuation.separator.domain.krl
//                                  ^^^^^^ variable.other.property.krl
//                                               ^^^^^^^^^^ entity.name.function.call.krl
//                                                          ^ constant.numeric.krl
  }
  rule seen is active {
//^^^^ storage.type.rule.krl
//     ^^^^ entity.name.function.rule.krl
//             ^^^^^^ constant.language.rule-state.krl
    select when visitor arrived name re#^(.+)$#i setting(who)
//  ^^^^^^ keyword.control.select.krl
//              ^^^^^^^ entity.name.namespace.event-domain.krl
//                      ^^^^^^^ entity.name.function.event-type.krl
//                              ^^^^ variable.parameter.attribute.krl
//                                   ^^^ string.regexp.krl
//                                             ^ keyword.other.regex-flags.krl
//                                               ^^^^^^^ keyword.operator.event.krl
      or visitor left before timer tick
//    ^^ keyword.operator.event.krl
//       ^^^^^^^ entity.name.namespace.event-domain.krl
//               ^^^^ entity.name.function.event-type.krl
//                    ^^^^^^ keyword.operator.event.krl
//                           ^^^^^ entity.name.namespace.event-domain.krl
    send_directive("hi", {"name": who})
//  ^^^^^^^^^^^^^^ entity.name.function.call.krl
//                 ^^^^ string.quoted.double.krl
    fired {
//  ^^^^^ keyword.control.krl
      ent:counts{who} := ent:counts{who}.defaultsTo(0) + 1;
//                    ^^ keyword.operator.assignment.persistent.krl
      raise visitor event "counted" attributes event:attrs
//    ^^^^^ keyword.control.krl
//                                             ^^^^^ support.class.domain.krl
//                                                   ^^^^^ variable.other.property.krl
    }
  }
}
