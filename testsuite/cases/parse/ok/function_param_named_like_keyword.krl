//> mode = "parse"
ruleset t.fn_keyword_params {
  global {
    f = function(event, select, push) { event + select + push }
  }
}
