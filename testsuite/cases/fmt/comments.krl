// A header comment above the ruleset.

/* and a block comment */
ruleset fmt.comments { // after the opening brace
  meta {
    name "comments" // trailing on a meta property
    // own line inside meta
  }

  // above the global block
  global {
    a = 1 // trailing on a declaration


    // after two blank lines (capped at one)
    b = [1, /* inside a list */ 2]
    c = foo(x, // after an argument
      y)
    d = 1 + /* between operands */ 2
    e = {
      // own line inside a map
      "k": 1
    }
  }
  rule r { // after the rule brace
    select when a b // after the event
    pre {
      x = 1 /* block after */
    }
    send_directive("x") // after the action
    fired {
      ent:x := 1 // after a statement
      // before the closing brace
    }
  }
  // before the ruleset's closing brace
} // after the ruleset
// at the end of the file
