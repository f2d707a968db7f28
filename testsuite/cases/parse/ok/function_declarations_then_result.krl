//> mode = "parse"
ruleset t.fn_body {
  global {
    area = function(w, h) {
      width = w.as("Number")
      height = h.as("Number");
      width * height
    }
  }
}
