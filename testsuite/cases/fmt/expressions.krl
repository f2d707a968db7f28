ruleset fmt.expressions {
  global {
    literals = [007, 1.50, .5, "a \"quoted\" \\ string", re#^a/b\#c#gi, true, false, null]
    multiline = "first
second"
    ops = 1+2*3-4/5%6
    logic = a&&b||not c
    cmp = a<b && b<=c && c>d && d>=e && e==f && f!=g && a<=>b && a cmp b && a like pattern && [1] >< 1
    unary = - x + -(y) + +z - not w
    parens = (1 + 2) * (3 - (4))
    cond = x => "yes" | y => "maybe" | "no"
    member = m{"k"}[0].length() + ent:map{["a", "b"]} + event:attrs{"x"} + obj.ns:fn(1)
    calls = f()(1)(2)
    named = send(1, b = 2, c = [3])
    empty = [[], {}, f()]
    long_array = ["aaaaaaaaaa", "bbbbbbbbbb", "cccccccccc", "dddddddddd", "eeeeeeeeee", "ffffffffff", "gggg"]
    long_map = {"name": "a long name here", "kind": "a kind of thing", "more": [1, 2, 3], "nested": {"a": 1}}
    long_ops = first_long_operand_name + second_long_operand_name + third_long_operand_name + fourth_name
    long_cond = some_condition_that_is_long && another_condition_that_is_long => "the consequent value" | "alt"
    hugged = event:send({"eci": eci, "domain": "collector", "type": "hot_reading", "attrs": event:attrs})
    hugged_function = list.map(function(x) { x + 1 })
    long_args = some_function("a first argument", "a second argument", "a third argument", 12345)
  }
}
