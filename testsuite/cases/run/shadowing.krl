//> mode = "run"
// Shadowing across scopes runs as `krl check` resolves it (cases/check/shadowing_across_scopes.krl):
// a parameter, a body local, a `pre` name, an event setting and a `foreach` setting each mean
// the innermost declaration; a `where` sees its own event's setting; the same setting bound by
// either side of an `or` is one variable; a `use module ... with` value sees configure names.
ruleset test.shadowing {
  meta {
    configure using limit = 10
    shares scaled, nested, base
  }
  global {
    base = limit * 2
    scaled = function(base) { limit = base + 1; limit }
    nested = function(n) { inner = function(n) { n + 1 }; inner(n) * 10 + n }
  }
  rule pre_shadows_global {
    select when t a
    pre { base = base + 1 }
    send_directive("pre", {"base": base})
  }
  rule setting_shadows_global {
    select when t b base re#(.*)# setting(base) where base != "no"
    send_directive("setting", {"base": base})
  }
  rule foreach_shadows_global {
    select when t c
    foreach [7, 8] setting(base)
    send_directive("foreach", {"base": base})
  }
  rule either_event {
    select when t d x re#(.*)# setting(x) or t e x re#(.*)# setting(x)
    send_directive("either", {"x": x})
  }
}
//- event t a
//- event t b {"base": "given"}
//- event t b {"base": "no"}
//- event t c
//- event t d {"x": "from d"}
//- event t e {"x": "from e"}
//- query scaled {"base": 4}
//- query nested {"n": 2}
//- query base
