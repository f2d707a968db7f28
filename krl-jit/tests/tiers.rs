//! The Cranelift tier against the interpreter: the same inputs give the same values, errors,
//! error places and limits under `interp`, `jit` and `auto`.

use krl_diagnostics::FileId;
use krl_jit::{EvalError, Session, Tier, with_tier};
use krl_runtime::TestHost;

/// Each input's value or error text (with its span), evaluated in one session.
fn run(tier: Tier, inputs: &[&str], max_depth: u32, steps: u64) -> Vec<String> {
    with_tier(tier, || {
        let mut session = Session::new().with_limits(max_depth, steps);
        let mut host = TestHost::new();
        inputs
            .iter()
            .map(|input| match session.eval_input(FileId(0), input, &mut host) {
                Ok(value) => value.encode(0).unwrap_or_else(|| "undefined".into()),
                Err(EvalError::Runtime { error, at }) => format!("!! {error} at {at:?}"),
                Err(EvalError::Compile(d)) => format!("!! compile {d:?}"),
            })
            .collect()
    })
}

fn same_under_every_tier(inputs: &[&str]) -> Vec<String> {
    same_with_limits(inputs, 10_000, 5_000_000)
}

fn same_with_limits(inputs: &[&str], max_depth: u32, steps: u64) -> Vec<String> {
    let interp = run(Tier::Interp, inputs, max_depth, steps);
    assert_eq!(
        run(Tier::Jit, inputs, max_depth, steps),
        interp,
        "jit differs from interp"
    );
    assert_eq!(
        run(Tier::Auto, inputs, max_depth, steps),
        interp,
        "auto differs from interp"
    );
    interp
}

const FIB: &str = "fib = function(n) { n < 2 => n | fib(n - 1) + fib(n - 2) }";

#[test]
fn fib_is_compiled_and_computes_the_same() {
    let before = krl_jit::tier::compiled_functions();
    let jit = run(Tier::Jit, &[FIB, "fib(20)"], 10_000, u64::MAX);
    assert!(
        krl_jit::tier::compiled_functions() > before,
        "fib was not compiled"
    );
    assert_eq!(jit[1], "6765");
    same_under_every_tier(&[FIB, "fib(20)", "fib(0)", "fib(-3)", "fib(2.5)", "fib(\"7\")"]);
}

#[test]
fn direct_calls_with_number_arguments_answer_every_kind_of_value() {
    // A direct call whose arguments are all numbers takes the unboxed number entry; these
    // results are numbers, strings, arrays and errors, from frames with declarations, with
    // interpreted nodes reading the parameters, and with arguments of other types mixed in.
    let results = same_under_every_tier(&[
        "down = function(n) { n <= 0 => \"end\" | down(n - 1) }",
        "down(5)",
        "down(\"3\")",
        "list = function(n) { n == 0 => [n] | list(n - 1).append(n * 2) }",
        "list(4)",
        "words = function(n) { s = \"w\" + n; n == 0 => s | words(n - 1) + s }",
        "words(3)",
        "mixed = function(a, b) { a >= 3 => a + b | mixed(a + 1, b + \"!\") + a }",
        "mixed(0, 1)",
        "mixed(0, \"x\")",
        "fails = function(n) { n == 0 => n.nope() | 1 + fails(n - 1) }",
        "fails(3)",
        "nan = function(n, k) { k == 0 => [n, n < 1, n => 1 | 2] | nan(n * 0, k - 1) }",
        "nan(1e308 * 10, 2)",
        "nan(5, 1)",
        "extra = function(n) { n == 0 => 0 | extra(n - 1, [n], \"x\") + 1 }",
        "extra(4)",
        "defaulted = function(n, step = 1) { n <= 0 => n | defaulted(n - step) }",
        "defaulted(5)",
    ]);
    assert_eq!(results[1], "\"end\"");
    assert_eq!(results[4], "[0,2,4,6,8]");
    assert_eq!(results[6], "\"w0w1w2w3\"");
    assert!(results[11].starts_with("!! "), "{results:?}");
    assert_eq!(results[18], "0");
}

#[test]
fn results_moved_out_of_temporaries_stay_whole() {
    // Operator results feeding operators (moved, not cloned), string concatenations that
    // never take the number path, and results finishing in each branch of a binary.
    let results = same_under_every_tier(&[
        "chain = function(x) { (\"ab\" + x).uc().split(\"\").reverse().join(\"-\") }",
        "chain(7)",
        "chain(null)",
        "twice = function(x) { s = \"x\" + x; [s, s].join(s) }",
        "twice(1)",
        "tailsum = function(a, b) { a + b }",
        "tailsum(1, 2)",
        "tailsum(\"1\", 2)",
        "tailsum([1], {})",
        "0.range(5).map(function(i) { (\"abc\" + i).match(re#c\\d*3$#) })",
        "0.range(3).reduce(function(m, i) { m.put(\"k\" + i, i) }, {})",
    ]);
    assert_eq!(results[1], "\"7-B-A\"");
    assert_eq!(results[4], "\"x1x1x1\"");
    assert_eq!(results[7], "\"12\"");
}

#[test]
fn numbers_that_are_not_finite_take_the_stdlib_path() {
    same_under_every_tier(&[
        "f = function(a, b) { a + b * 2 - a / b }",
        "f(1, 2)",
        "f(1, 0)",
        "f(1e308, 1e308)",
        "f(\"x\", 2)",
        "f(null, 2)",
        "f([1], {\"a\": 1})",
        "g = function(a, b) { [a < b, a <= b, a > b, a >= b, a == b, a != b, a % b] }",
        "g(1, 2)",
        "g(5, 0)",
        "g(\"a\", \"b\")",
        "g(-7, 3)",
    ]);
}

#[test]
fn logic_conditionals_and_truthiness_match() {
    same_under_every_tier(&[
        "t = function(x) { [x && 1, x || 2, not x, x => \"yes\" | \"no\"] }",
        "t(0)",
        "t(1)",
        "t(\"\")",
        "t(\"a\")",
        "t(null)",
        "t(false)",
        "t([])",
        "t({})",
    ]);
}

#[test]
fn defaults_declarations_and_other_calls_match() {
    same_under_every_tier(&[
        "d = function(a, b = a * 2) { c = a + b; s = \"n=\" + c; [c, s, s.length(), a.as(\"String\")] }",
        "d(1)",
        "d(1, 5)",
        "d(\"x\")",
        "twice = function(f, x) { f(f(x)) }",
        "inc = function(x) { x + 1 }",
        "twice(inc, 5)",
        "twice(5, 5)",
        "h = function(m) { m{\"a\"} + m[\"b\"] + m.c }",
        "h({\"a\": 1, \"b\": 2, \"c\": 3})",
        "h(null)",
        "pipe = function(n) { 1.range(n).map(function(x) { x * 2 }).filter(function(x) { x % 3 == 0 }).reduce(function(a, b) { a + b }, 0) }",
        "pipe(100)",
        "sq = function(x) { x * x }",
        "1.range(20).map(sq).reduce(function(a, b) { a + b })",
    ]);
}

#[test]
fn errors_point_at_the_same_place() {
    let results = same_under_every_tier(&[
        "bad = function(x) { x.nope() }",
        "bad(1)",
        "early = function() { later + 1 }",
        "early()",
        "later = 2",
        "early()",
        "notfn = function(x) { x(1) }",
        "notfn(3)",
        "deep = function(n) { n == 0 => 0 | 1 + deep(n - 1) }",
        "deep(100)",
    ]);
    assert!(results[1].starts_with("!! "), "{results:?}");
}

#[test]
fn the_depth_limit_and_the_step_budget_hold_in_compiled_code() {
    let results = same_with_limits(
        &[
            "deep = function(n) { n == 0 => 0 | 1 + deep(n - 1) }",
            "deep(50)",
            "deep(500)",
            "loop = function(n) { loop(n + 1) }",
            "loop(0)",
        ],
        200,
        1_000_000,
    );
    assert!(
        results[2].contains("Maximum call stack size exceeded"),
        "{results:?}"
    );
    assert!(
        results[4].contains("Maximum call stack size exceeded"),
        "{results:?}"
    );
    let results = same_with_limits(&["loop = function(n) { loop(n + 1) }", "loop(0)"], 100_000, 5_000);
    assert!(results[1].contains("step budget of 5000 exceeded"), "{results:?}");
}

#[test]
fn deep_recursion_grows_the_native_stack_in_compiled_code() {
    let results = same_with_limits(
        &[
            "deep = function(n) { n == 0 => 0 | 1 + deep(n - 1) }",
            "deep(9000)",
        ],
        10_000,
        u64::MAX,
    );
    assert_eq!(results[1], "9000");
}

#[test]
fn auto_compiles_a_function_in_the_middle_of_a_deep_recursion() {
    // Tier-up happens at depth AUTO_THRESHOLD, on the interpreter's red zone of stack.
    let results = same_with_limits(&["loop = function(n) { loop(n + 1) }", "loop(0)"], 100_000, 5_000);
    assert!(results[1].contains("step budget"), "{results:?}");
}

#[test]
fn a_recursive_call_finds_its_function_once_per_call_chain() {
    // `fib` is a local of the session's frame: compiled code caches its address after the
    // first read, so 1,973 calls of fib(15) look it up once, not twice per call.
    with_tier(Tier::Jit, || {
        let mut session = Session::new();
        let mut host = TestHost::new();
        session
            .eval_input(FileId(0), FIB, &mut host)
            .expect("fib declares");
        let before = krl_jit::tier::enclosing_local_lookups();
        let value = session
            .eval_input(FileId(0), "fib(15)", &mut host)
            .expect("fib runs");
        let lookups = krl_jit::tier::enclosing_local_lookups() - before;
        assert_eq!(value.encode(0).as_deref(), Some("610"));
        assert!(lookups <= 2, "fib looked itself up {lookups} times");
    });
}

#[test]
fn cached_enclosing_locals_keep_their_values_and_errors() {
    // More enclosing locals than the cache holds, one read before its declaration ran, and
    // closures over different frames of one function literal.
    let results = same_under_every_tier(&[
        "a = 1",
        "b = 2",
        "c = 3",
        "d = 4",
        "e = 5",
        "f = 6",
        "g = 7",
        "h = 8",
        "i = 9",
        "j = 10",
        "sum = function(n) { n == 0 => a + b + c + d + e + f + g + h + i + j | sum(n - 1) + j }",
        "sum(5)",
        "outer = function(ok) { get = function() { late + 1 }; early = ok => 0 | get(); late = 41; [early, get()] }",
        "outer(false)",
        "outer(true)",
        "adder = function(k) { function(x) { x + k } }",
        "[adder(1)(10), adder(2)(10), adder(1)(20)]",
    ]);
    assert_eq!(results[11], "105");
    assert!(results[13].contains("before"), "{results:?}");
    assert_eq!(results[14], "[0,42]");
    assert_eq!(results[16], "[11,12,21]");
}

#[test]
fn both_entries_of_a_function_cache_enclosing_locals_at_the_same_places() {
    // The boxed entry reads `a` (for the default) before `b` and `f`; the number entry,
    // which never runs defaults, reads only `b` and `f`. Both share the call chain's cache
    // of enclosing locals, so each local must have one place in it for both.
    let results = same_under_every_tier(&[
        "a = 10",
        "b = 1",
        "f = function(n, d = a) { n < 1 => d + b | f(n - 1, d) }",
        "f(3)",
    ]);
    assert_eq!(results[3], "11");
}

#[test]
fn numbers_that_are_not_finite_reach_a_direct_call() {
    // Squaring overflows to Infinity: the number entry gets numbers that are not finite
    // and must answer as the interpreter does (whose stdlib refuses `Infinity - Infinity`).
    let results = same_under_every_tier(&[
        "p = function(n, k) { k == 0 => [n, n + 1, n < 2, n - n, n.as(\"String\")] | p(n * n, k - 1) }",
        "p(10, 9)",
        "p(10, 1)",
        "big = function(n, k) { k == 0 => n | big(n * n, k - 1) }",
        "q = function(n) { n > 1 => q(n * n - n * n) | n.as(\"String\") }",
        "q(big(10, 8))",
        "s = function(n) { n < 1 => n | s(n / 0) }",
        "s(5)",
    ]);
    assert_eq!(results[2], "[100,101,false,0,\"100\"]");
    assert!(results[5].contains("cannot be subtracted"), "{results:?}");
}

#[test]
fn a_stdlib_iterator_prepares_a_compiled_callback_once_for_all_its_calls() {
    // The callback reads `k`, a local of the session's frame. Prepared once per `map`, its
    // compiled code keeps the address it found for the 100 calls; entered call by call, it
    // looked `k` up on every call.
    with_tier(Tier::Jit, || {
        let mut session = Session::new();
        let mut host = TestHost::new();
        for line in ["k = 3", "times_k = function(x) { x * k }"] {
            session.eval_input(FileId(0), line, &mut host).expect("declares");
        }
        let before = krl_jit::tier::enclosing_local_lookups();
        let value = session
            .eval_input(
                FileId(0),
                "0.range(100).map(times_k).reduce(function(a, b) { a + b })",
                &mut host,
            )
            .expect("the pipeline runs");
        let lookups = krl_jit::tier::enclosing_local_lookups() - before;
        assert_eq!(value.encode(0).as_deref(), Some("15150"));
        assert!(lookups <= 1, "the callback looked `k` up {lookups} times");
    });
}

#[test]
fn prepared_callbacks_keep_the_limits_errors_and_arguments_of_single_calls() {
    // Every iterator calling compiled callbacks: their arguments (element, index,
    // collection; reduce's accumulator), a null argument leaving its parameter unbound, an
    // error inside a callback (its place and the function it left), a callback that
    // recurses into the depth limit, and the step budget running out in the middle of a map.
    let results = same_with_limits(
        &[
            "k = 2",
            "args = function(x, i, all) { [x * k, i, all.length()] }",
            "[1, 2, 3].map(args)",
            "{\"a\": 1, \"b\": 2}.map(function(v, key) { key + v })",
            "[1, 2, 3, 4].filter(function(x) { x % 2 == 0 })",
            "[1, 2, 3, 4].reduce(function(a, b, i) { a + b * i })",
            "[1, 2, 3].any(function(x) { x > 2 })",
            "[1, 2, 3].all(function(x) { x > 2 })",
            "[1, 2, 3].collect(function(x) { x % 2 })",
            "[null, 1].map(function(x = 5) { x + 1 })",
            "[1, 0, 2].map(function(x) { x.foo() })",
            "down = function(n) { n == 0 => 0 | down(n - 1) }",
            "[10, 100, 1000].map(function(n) { down(n) })",
            "0.range(10000).map(function(x) { x + 1 }).length()",
        ],
        500,
        5_000,
    );
    assert_eq!(results[2], "[[2,0,3],[4,1,3],[6,2,3]]");
    assert_eq!(results[9], "[6,2]");
    assert!(results[10].starts_with("!! "), "{results:?}");
    assert!(
        results[12].contains("Maximum call stack size exceeded"),
        "{results:?}"
    );
    assert!(
        results[13].contains("step budget of 5000 exceeded"),
        "{results:?}"
    );
}

#[test]
fn base_cases_answered_at_the_call_site_keep_results_and_limits() {
    // Functions whose base case a direct call answers without calling (`test => then`,
    // `test` comparing parameters and constants): results, non-finite arguments (the
    // callee's stdlib path), and the depth limit and the step budget running out exactly
    // at a base case.
    let inputs = [
        FIB,
        "fib(15)",
        "fib(1.5)",
        "down = function(n) { n < 1 => n | down(n - 1) }",
        "down(19)",
        "down(20)",
        "seven = function(n) { n <= 0 => 7 | seven(n - 1) + 1 }",
        "seven(5)",
        "upto = function(a, b) { a >= b => a | upto(a + 1, b) }",
        "upto(0, 9)",
        "grow = function(n, k) { k == 0 => n | grow(n * n, k - 1) }",
        "grow(10, 9)",
        "[fib(8), down(3), seven(0)]",
    ];
    // One call deeper than down(19) is one level past the limit, at a base case.
    let results = same_with_limits(&inputs, 20, 200);
    assert!(results[1].contains("step budget of 200 exceeded"), "{results:?}");
    assert_eq!(results[4], "0");
    assert!(
        results[5].contains("Maximum call stack size exceeded"),
        "{results:?}"
    );
    assert_eq!(results[7], "12");
    assert_eq!(results[9], "9");
    assert_eq!(results[12], "[21,0,7]");
    let results = same_with_limits(&inputs, 10_000, 1_000_000);
    assert_eq!(results[1], "610");
    assert_eq!(results[2], "1.5");
}
