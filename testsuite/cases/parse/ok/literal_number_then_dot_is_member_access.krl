//> mode = "parse"
ruleset t.number_dot {
  // A `.` joins a number only when a digit follows it.
  global {
    a = 1.5.as("String")
    b = 2.abs()
  }
}
