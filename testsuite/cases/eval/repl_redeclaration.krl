//> mode = "eval"
// Unlike a ruleset's global block (where a duplicate is a compile error), a session lets a
// later input declare a name again. The new binding gets a new slot, so closures made
// earlier keep the value they captured.
y = 1
getY = function() { y }
y = 2
getY()
y
x = 1
x = x + 1
x
f = function() { x }
x = "new"
f()
