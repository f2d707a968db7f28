//> mode = "eval"
// Map keys follow JavaScript object order: canonical array indices first, ascending,
// then the other keys in insertion order (language.md §4.13).
{"b": 1, "a": 2, "10": 3, "2": 4}.keys()
{"b": 1, "a": 2, "10": 3, "2": 4, "-1": 5, "01": 6}.keys()
{"b": 1, "a": 2, "10": 3, "2": 4}
{"b": 1, "a": 2, "10": 3, "2": 4}.values()
{"4294967294": 1, "4294967295": 2, "1": 3}.keys()
{"1.5": 1, "1": 2, "+1": 3, " 1": 4}.keys()
{"z": 1, "y": 2, "x": 3}.encode()
// Later duplicates overwrite earlier values but keep the first position.
{"a": 1, "b": 2, "a": 3}
// put keeps an existing key's position and appends new ones.
{"a": 1, "b": 2}.put("a", 9).keys()
{"a": 1, "b": 2}.put("0", 9).keys()
{"a": 1, "b": 2}.put("c", 9).keys()
// Deleting then re-adding moves a key to the end.
{"a": 1, "b": 2}.delete("a").put("a", 3).keys()
// Operators that walk maps follow the same order.
{"b": 1, "1": 2, "a": 3}.map(function(v, k) { k + v })
{"b": 1, "1": 2, "a": 3}.filter(function(v, k) { v > 1 })
{"b": 1, "1": 2, "a": 3}.keys().join("")
{"b": 2, "a": 1}.put({"c": 3, "0": 0})
[3, 1, 2].collect(function(x) { x })
["b", "a", 2, 1].once()
["b", "a", "b", 2, 1, 2].duplicates()
{"a": {"z": 1, "5": 2}}.encode()
{"a": 1, "b": [1, 2]}.encode(2)
{"a": 1}.encode("2")
{"a": 1}.encode(20)
[].encode(2)
{}.encode(2)
