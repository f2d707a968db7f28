//> mode = "check"
// Where a name is visible is decided by the one resolver for `krl check` and the engine
// (testsuite/tests/resolver_agreement.rs), following the reference's compiler:
// - a `where` runs inside its own event's matcher: it sees that event's settings, not the
//   settings of the other events of the expression (pico-engine: undefined at compile time
//   for a later event, a ReferenceError at run time for an earlier one);
// - a `use module ... with` value is compiled before the globals (c/Ruleset.js), so it sees
//   the `configure using` names only;
// - a postlude declaration belongs to its branch: `finally` does not see `fired`'s
//   (language.md quirk 14: it fails at load or run time in the reference).
ruleset t.visibility_order {
  meta {
    configure using token = "t"
    use module t.visibility_module alias lib with secret = token
    use module t.visibility_module alias other with secret = later
//                                                           ^^^^^ error[E0201]
    shares later
  }
  global {
    later = "x"
  }
  rule where_sees_its_own_settings {
    select when t a x re#(.*)# setting(x) where x == "1"
      and t b y re#(.*)# setting(y) where y == x
//                                             ^ error[E0201]
    send_directive("xy", {"x": x, "y": y})
  }
  rule postlude_branches_are_separate {
    select when t c
    noop()
    fired {
      z = 1;
      ent:z := z
    } finally {
      ent:z := ent:z + z
//                     ^ error[E0201]
    }
  }
}
