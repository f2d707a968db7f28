//! The names in the root scope: every standard-library operator (language.md §6) with its
//! parameters, so calls can be arity-checked before anything runs.
//!
//! FIXME(#7): the runtime's stdlib keeps its own signature table; share one table between
//! krl-check and krl-runtime once the runtime's stdlib registry settles.

/// What a stdlib name is when used statically (language.md §3.3, §4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpKind {
    /// An ordinary function; usable in expressions and as a method (`x.op()`).
    Function,
    /// An action: only usable in an action block (`send_directive`).
    Action,
    /// Usable both ways (`noop`).
    ActionFunction,
}

/// One operator: its parameter names (the receiver of `x.op()` is the first) and how many of
/// them a meaningful call supplies.
#[derive(Clone, Copy, Debug)]
pub struct StdlibOp {
    pub name: &'static str,
    pub params: &'static [&'static str],
    /// Calls with fewer arguments are reported. The reference accepts them, but they either
    /// return the receiver unchanged or fail at run time (`[1].any()`).
    pub min: usize,
    pub kind: OpKind,
}

impl StdlibOp {
    pub fn max(&self) -> usize {
        self.params.len()
    }
}

const fn op(name: &'static str, params: &'static [&'static str], min: usize) -> StdlibOp {
    StdlibOp {
        name,
        params,
        min,
        kind: OpKind::Function,
    }
}

const VAL: &[&str] = &["val"];
const LEFT_RIGHT: &[&str] = &["left", "right"];
const VAL_ITER: &[&str] = &["val", "iter"];
const A_B: &[&str] = &["a", "b"];

/// Every operator of language.md §6, grouped as there.
pub const STDLIB: &[StdlibOp] = &[
    // §6.3 type and utility operators
    op("as", &["val", "type"], 2),
    op("isnull", VAL, 0),
    op("typeof", VAL, 1),
    op("klog", &["val", "message"], 1),
    op("defaultsTo", &["val", "defaultVal", "message"], 2),
    op("sprintf", &["val", "template"], 2),
    op("encode", &["val", "indent"], 1),
    op("decode", VAL, 1),
    // §6.4 numbers
    op("chr", VAL, 1),
    op("range", &["val", "end"], 2),
    op("shiftLeft", LEFT_RIGHT, 2),
    op("shiftRight", LEFT_RIGHT, 2),
    op("band", LEFT_RIGHT, 2),
    op("bor", LEFT_RIGHT, 2),
    op("bxor", LEFT_RIGHT, 2),
    op("bnot", &["left"], 1),
    // §6.5 strings
    op("lc", VAL, 1),
    op("uc", VAL, 1),
    op("capitalize", VAL, 1),
    op("trim", VAL, 1),
    op("trimLeading", VAL, 1),
    op("trimTrailing", VAL, 1),
    op("startsWith", &["val", "target"], 2),
    op("endsWith", &["val", "target"], 2),
    op("contains", &["val", "target"], 2),
    op("length", VAL, 1),
    op("ord", VAL, 1),
    op("substr", &["val", "start", "len"], 2),
    op("split", &["val", "splitOn"], 2),
    // §6.6 regexes
    op("match", &["val", "regex"], 2),
    op("extract", &["val", "regex"], 2),
    op("replace", &["val", "regex", "replacement"], 2),
    // §6.7 collections
    op("isEmpty", VAL, 1),
    op("head", VAL, 1),
    op("tail", VAL, 1),
    op("index", &["val", "elm"], 2),
    op("join", &["val", "str"], 1),
    op("append", &["val", "a", "b", "c", "d", "e"], 1),
    op("reverse", VAL, 1),
    op("slice", &["val", "start", "end"], 1),
    op("splice", &["val", "start", "nElements", "value"], 2),
    op("sort", &["val", "sortBy"], 1),
    op("map", VAL_ITER, 1),
    op("filter", VAL_ITER, 1),
    op("reduce", &["val", "iter", "dflt"], 2),
    op("any", VAL_ITER, 2),
    op("all", VAL_ITER, 2),
    op("none", VAL_ITER, 2),
    op("notall", VAL_ITER, 2),
    op("collect", VAL_ITER, 1),
    op("pairwise", VAL_ITER, 2),
    op("unique", VAL, 1),
    op("once", VAL, 1),
    op("duplicates", VAL, 1),
    op("union", A_B, 2),
    op("intersection", A_B, 2),
    op("difference", A_B, 2),
    op("has", &["val", "other"], 2),
    // §6.8 maps and paths
    op("get", &["obj", "path"], 2),
    op("keys", &["val", "path"], 1),
    op("values", &["val", "path"], 1),
    op("put", &["val", "path", "toSet"], 2),
    op("set", &["obj", "path", "val"], 3),
    op("delete", &["val", "path"], 2),
    // §6.9 built-in actions
    StdlibOp {
        name: "send_directive",
        params: &["name", "options"],
        min: 1,
        kind: OpKind::Action,
    },
    StdlibOp {
        name: "noop",
        params: &[],
        min: 0,
        kind: OpKind::ActionFunction,
    },
];

/// The implicit `__testing` map (language.md §3.1): shareable and shadowable.
pub const TESTING: &str = "__testing";

pub fn lookup(name: &str) -> Option<&'static StdlibOp> {
    STDLIB.iter().find(|op| op.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_minimums_fit() {
        let mut seen = std::collections::HashSet::new();
        for op in STDLIB {
            assert!(seen.insert(op.name), "duplicate {}", op.name);
            assert!(op.min <= op.max(), "{}", op.name);
        }
        assert_eq!(lookup("defaultsTo").map(StdlibOp::max), Some(3));
    }
}
