use krl_runtime::engine::select::*;
use krl_runtime::value::Value;
use std::time::Instant;
fn d(n: &str) -> EventExpr { EventExpr::Leaf(Leaf { domain: "d".into(), name: n.into(), attrs: vec![], setting: vec![], where_id: None }) }
struct W;
impl WhereEval for W { fn eval_where(&mut self, _: u32, _: &[(String, Value)]) -> Result<bool, krl_runtime::RuntimeError> { Ok(true) } }
#[test]
fn bench() {
    for n in 3..=6 {
        let args: Vec<EventExpr> = (0..n).map(|i| d(&format!("e{i}"))).collect();
        let t = Instant::now();
        let a = Automaton::build(&EventExpr::And(args.clone())).unwrap();
        println!("and {n}: {:?} states {}", t.elapsed(), a.n_states());
        let t = Instant::now();
        let a = Automaton::build(&EventExpr::Any((n - 1) as u32, args)).unwrap();
        println!("any {}/{n}: {:?} states {}", n - 1, t.elapsed(), a.n_states());
    }
    let a = Automaton::build(&d("a")).unwrap();
    let ev = SelectEvent { domain: "d", name: "a", attrs: &Value::Null, time: 0.0 };
    let t = Instant::now();
    let mut fired = 0;
    for _ in 0..1_000_000 { if step(&a, None, None, &ev, &mut W).unwrap().fired.is_some() { fired += 1; } }
    println!("single leaf 1M steps: {:?} {fired}", t.elapsed());
    let a = Automaton::build(&EventExpr::Before(vec![d("a"), d("b")])).unwrap();
    let t = Instant::now();
    let mut st = None;
    for i in 0..1_000_000 { let ev = SelectEvent { domain: "d", name: if i % 2 == 0 { "a" } else { "b" }, attrs: &Value::Null, time: 0.0 }; st = step(&a, st, None, &ev, &mut W).unwrap().state; }
    println!("before 1M steps: {:?}", t.elapsed());
}
