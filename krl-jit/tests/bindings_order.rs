//! The engine hands a rule its event expression's bindings as values in slot order (issue
//! #14, item 5): one per name of `select::setting_names`, a `where` condition one per name of
//! its leaf's `setting`; the compiler stores them by position, never by name.

use std::sync::Arc;

use krl_jit::InterpreterBackend;
use krl_runtime::Value;
use krl_runtime::engine::select::setting_names;
use krl_runtime::engine::{Backend, Engine, EngineOptions, RuleSelect};
use krl_runtime::value::Map;

const URL: &str = "file:///work/bindings.krl";

/// Settings over two leaves, with an aggregator and a `where` that reads its leaf's
/// settings. A leaf's setting names take its captures in order (`setting(y, x)` binds `y` to
/// the capture of the first attribute test, `x`'s), as in the reference.
const SRC: &str = r#"ruleset test.bindings {
  rule both {
    select when (a b x re#(.+)# y re#(.+)# setting(y, x)) and (a c z re#(.+)# setting(z))
    send_directive("both", {"x": x, "y": y, "z": z})
  }
  rule summed {
    select when count 2 (a d n re#(\d+)# setting(n)) sum(total)
    send_directive("summed", {"n": n, "total": total})
  }
  rule guarded {
    select when a e u re#(.+)# v re#(.+)# setting(v, u) where v == "2" && u == "1"
    send_directive("guarded", {"u": u, "v": v})
  }
}
"#;

fn attrs(pairs: &[(&str, &str)]) -> Value {
    Value::map(
        pairs
            .iter()
            .map(|(k, v)| (*k, Value::string(*v)))
            .collect::<Map>(),
    )
}

#[test]
fn the_compiled_rules_name_their_bindings_in_the_engines_order() {
    let compiled = InterpreterBackend.compile(URL, SRC).expect("compiles");
    let names: Vec<Vec<String>> = compiled
        .rules()
        .iter()
        .map(|rule| match &rule.select {
            RuleSelect::When(expr) => setting_names(expr),
            RuleSelect::Where => Vec::new(),
        })
        .collect();
    assert_eq!(names, [vec!["y", "x", "z"], vec!["n", "total"], vec!["v", "u"]]);
}

#[test]
fn each_binding_reaches_its_own_name() {
    let engine = Engine::new(Arc::new(InterpreterBackend), EngineOptions::default());
    engine.register(URL, SRC).expect("compiles");
    let root = engine.root_pico().to_string();
    engine.install(&root, URL, Map::new()).expect("installs");
    let eci = engine
        .new_channel(&root, &Value::Null, &Value::Null, &Value::Null)
        .expect("a channel")
        .id;
    let send = |name: &str, pairs: &[(&str, &str)]| {
        let answer = engine.event_wait(&eci, "a", name, attrs(pairs)).expect("runs");
        answer
            .directives
            .iter()
            .map(|directive| directive.encode(0).unwrap_or_default())
            .collect::<Vec<String>>()
    };
    assert!(send("b", &[("x", "1"), ("y", "2")]).is_empty());
    let both = send("c", &[("z", "3")]);
    assert_eq!(both.len(), 1, "{both:?}");
    assert!(
        both[0].contains(r#""options":{"x":"2","y":"1","z":"3"}"#),
        "{both:?}"
    );

    assert!(send("d", &[("n", "4")]).is_empty());
    let summed = send("d", &[("n", "5")]);
    assert!(
        summed[0].contains(r#""options":{"n":"5","total":9}"#),
        "{summed:?}"
    );

    assert!(
        send("e", &[("u", "1"), ("v", "2")]).is_empty(),
        "where sees u and v apart"
    );
    let guarded = send("e", &[("u", "2"), ("v", "1")]);
    assert!(
        guarded[0].contains(r#""options":{"u":"1","v":"2"}"#),
        "{guarded:?}"
    );
}
