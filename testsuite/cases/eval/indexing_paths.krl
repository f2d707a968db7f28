//> mode = "eval"
// `a[i]`, `a{p}` and `a.b` read through `get` (language.md §5.3).
[10, 20][1]
[10, 20]["1"]
[10, 20][2]
[10, 20][-1]
[10, 20][1.5]
[10, 20][true]
"abc"[0]
null{"a"}
5{"a"}
{"1": "one"}[1]
{"a": 1}{"a"}
{"a": 1}["a"]
{"a": 1}{"b"}
{"a": {"b": {"c": 3}}}{["a", "b", "c"]}
{"a": {"b": [1, 2, 3]}}{["a", "b", 2]}
{"a": {"b": [1, 2, 3]}}{["a", "x", 2]}
{"a": [{"b": 1}]}{["a", 0, "b"]}
{"a": 1}{[]}
{"true": 1}{true}
{"null": 2}{null}
{"[Map]": 3}{{}}
{"[Array]": 4}[[]]
{"a": "xyz"}{["a", "0"]}
{"a": "xyz"}{["a", "length"]}
[1, 2, 3]{"length"}
// `.name` is raw property access: map keys, and `length` on strings and arrays.
{"a": 1}.a
{"a": {"b": 2}}.a.b
[1, 2, 3].length
"abc".length
"😀".length
{"length": 7}.length
5.length
null.b
// Chains mix all three.
data = {"users": [{"name": "Ada", "tags": ["x", "y"]}, {"name": "Bob"}]}
data{"users"}[0]{"name"}
data{["users", 1, "name"]}
data.users[0].tags[1]
data{"users"}.map(function(u) { u{"name"} })
data{["users", 5, "name"]}
data{"users"}.length()
// get and keys/values with paths.
data.get(["users", 0, "name"])
data.keys(["users", 0])
data.values(["users", 0, "tags"])
data.keys("nope")
[1, 2].keys()
// put, set and delete.
{"a": 1}.put(["a", "y"], 2)
{"a": 1}.put("b", 2)
{}.put(["0", "0"], "v")
[].put([2], 1)
[1, 2].put([1], "x")
{"a": 1}.put({"b": 2})
[1, 2, 3].put([9, 8])
5.put("a", 1)
{}.set(["a", "0"], 1)
null.set("a", 1)
{"a": [1, 2]}.set(["a", "1"], "x")
{"a": 1, "b": 2}.delete("a")
[1, 2, 3].delete(1)
{"a": {"b": 1, "c": 2}}.delete(["a", "b"])
{"a": 1}.delete("z")
