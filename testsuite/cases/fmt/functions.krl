ruleset fmt.functions {
  global {
    simple = function(){1}
    params = function(a, b = 2, c = {"k": 1},) { a + b }
    decls = function(x) { y = x + 1; z = y * 2 z }
    explicit = function(x) { y = x; return y }
    needs_semicolon_array = function() { a = 1; [a] }
    needs_semicolon_map = function() { a = 1; {"a": a} }
    needs_semicolon_paren = function() { a = 1; (a) }
    needs_semicolon_minus = function() { a = 1; -a }
    needs_semicolon_plus = function() { a = 1; +a }
    needs_semicolon_regex = function() { a = b; re#x# }
    no_semicolon_needed = function() { a = 1; a.as("String") }
    nested = function(x) { inner = function(y) { y * 2 } inner(x) }
    action = defaction(eci, attrs = {}) {
      channel = eci;
      every {
        event:send({"eci": channel, "domain": "d", "type": "t", "attrs": attrs}) setting(result)
        send_directive("sent")
      }
      return result
    }
    bare_action = defaction() { send_directive("x") }
    empty_action = defaction(x) { return x }
  }
}
