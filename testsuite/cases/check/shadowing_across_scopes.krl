//> mode = "check"
// Declarations that may reuse a name because they live in different scopes (language.md
// §3.1): an inner declaration shadows an outer one, and lookup is innermost first. The
// reference accepts each of these (its compiler keeps a stack of symbol tables), and so do
// `krl check` and the engine (testsuite/cases/run/shadowing.krl runs them).
ruleset t.shadowing_across_scopes {
  meta {
    configure using limit = 10
    shares scaled, twice, nested
  }
  global {
    // A global may use a configure name; a parameter and a body local shadow globals.
    base = limit * 2
    scaled = function(base) { limit = base + 1; limit }
    twice = function(n) { n * 2 }
    nested = function(n) { inner = function(n) { n + 1 }; inner(n) + n }
  }
  rule pre_shadows_global {
    select when t a
    pre { base = base + 1 }
    send_directive("base", {"base": base})
  }
  rule setting_shadows_global {
    select when t b base re#(.*)# setting(base)
    send_directive("base", {"base": base})
  }
  rule foreach_shadows_global {
    select when t c
    foreach [1, 2] setting(twice)
    send_directive("twice", {"twice": twice})
  }
  rule one_setting_bound_by_either_event {
    select when t d x re#(.*)# setting(x) or t e x re#(.*)# setting(x)
    send_directive("x", {"x": x})
  }
  rule postlude_branches_reuse_a_name {
    select when t f
    noop()
    fired {
      y = 1;
      ent:y := y
    } else {
      y = 2;
      ent:y := y + ent:y
    }
  }
}
