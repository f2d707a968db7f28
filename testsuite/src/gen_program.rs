//! A generator of random KRL programs: a few small functions and one expression that uses
//! them, well-typed most of the time and deliberately ill-typed otherwise (wrong operand
//! types, nulls, out-of-range indexes and missing keys, calls of non-functions, deep
//! recursion), over numbers, strings, maps, arrays, regexes and closures.
//!
//! Programs are trees ([`Expr`]) printed fully parenthesised, so that a failing program can
//! be shrunk by replacing a subtree with one of its parts (`gen_run::shrink`). Program `n`
//! of a run is made from its own [`Rng`] seeded with `(seed, n)`, so any program is
//! reproduced from its seed and index alone. The runners are in [`crate::gen_run`].

use std::fmt;

use crate::fuzz::Rng;

/// One expression of a generated program.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A literal, as KRL text.
    Lit(String),
    /// A name: a parameter or a declared function.
    Var(String),
    Unary(&'static str, Box<Expr>),
    Binary(Box<Expr>, &'static str, Box<Expr>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `(object).name(args)`.
    Method(Box<Expr>, &'static str, Vec<Expr>),
    /// `callee(args)`.
    Call(Box<Expr>, Vec<Expr>),
    Index(Box<Expr>, Box<Expr>),
    Path(Box<Expr>, Box<Expr>),
    Array(Vec<Expr>),
    Map(Vec<(String, Expr)>),
    /// `function(params) { body }`.
    Lambda(Vec<String>, Box<Expr>),
    /// `<<text#{part}text>>`.
    Chevron(Vec<Expr>),
}

impl Expr {
    /// The direct subexpressions, in written order.
    pub fn children(&self) -> Vec<&Expr> {
        match self {
            Expr::Lit(_) | Expr::Var(_) => Vec::new(),
            Expr::Unary(_, operand) => vec![operand],
            Expr::Binary(left, _, right) | Expr::Index(left, right) | Expr::Path(left, right) => {
                vec![left, right]
            }
            Expr::Cond(test, then, else_) => vec![test, then, else_],
            Expr::Method(object, _, args) => std::iter::once(object.as_ref()).chain(args).collect(),
            Expr::Call(callee, args) => std::iter::once(callee.as_ref()).chain(args).collect(),
            Expr::Array(items) | Expr::Chevron(items) => items.iter().collect(),
            Expr::Map(entries) => entries.iter().map(|(_, value)| value).collect(),
            Expr::Lambda(_, body) => vec![body],
        }
    }

    /// The same node with child `index` replaced.
    pub fn with_child(&self, index: usize, child: Expr) -> Expr {
        let mut copy = self.clone();
        let slot: Option<&mut Expr> = match &mut copy {
            Expr::Lit(_) | Expr::Var(_) => None,
            Expr::Unary(_, operand) => Some(operand),
            Expr::Binary(left, _, right) | Expr::Index(left, right) | Expr::Path(left, right) => {
                [left, right].into_iter().nth(index).map(|b| b.as_mut())
            }
            Expr::Cond(test, then, else_) => [test, then, else_].into_iter().nth(index).map(|b| b.as_mut()),
            Expr::Method(object, _, args) | Expr::Call(object, args) => match index {
                0 => Some(object.as_mut()),
                _ => args.get_mut(index - 1),
            },
            Expr::Array(items) | Expr::Chevron(items) => items.get_mut(index),
            Expr::Map(entries) => entries.get_mut(index).map(|(_, value)| value),
            Expr::Lambda(_, body) => Some(body.as_mut()),
        };
        if let Some(slot) = slot {
            *slot = child;
        }
        copy
    }

    /// How many nodes the tree has.
    pub fn size(&self) -> usize {
        1 + self.children().iter().map(|child| child.size()).sum::<usize>()
    }
}

fn list(f: &mut fmt::Formatter<'_>, items: &[Expr]) -> fmt::Result {
    for (idx, item) in items.iter().enumerate() {
        if idx > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Lit(text) | Expr::Var(text) => f.write_str(text),
            Expr::Unary(op, operand) => write!(f, "({op}{operand})"),
            Expr::Binary(left, op, right) => write!(f, "({left} {op} {right})"),
            Expr::Cond(test, then, else_) => write!(f, "({test} => {then} | {else_})"),
            Expr::Method(object, name, args) => {
                write!(f, "({object}).{name}(")?;
                list(f, args)?;
                f.write_str(")")
            }
            Expr::Call(callee, args) => {
                write!(f, "({callee})(")?;
                list(f, args)?;
                f.write_str(")")
            }
            Expr::Index(object, index) => write!(f, "({object})[{index}]"),
            Expr::Path(object, key) => write!(f, "({object}){{{key}}}"),
            Expr::Array(items) => {
                f.write_str("[")?;
                list(f, items)?;
                f.write_str("]")
            }
            Expr::Map(entries) => {
                f.write_str("{")?;
                for (idx, (key, value)) in entries.iter().enumerate() {
                    if idx > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "\"{key}\": {value}")?;
                }
                f.write_str("}")
            }
            Expr::Lambda(params, body) => write!(f, "function({}) {{ {body} }}", params.join(", ")),
            Expr::Chevron(parts) => {
                f.write_str("<<")?;
                for (idx, part) in parts.iter().enumerate() {
                    write!(f, "t{idx}#{{{part}}}")?;
                }
                f.write_str(">>")
            }
        }
    }
}

/// A generated function declaration: `name = function(params) { body }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    pub name: String,
    pub params: Vec<String>,
    pub body: Expr,
}

impl fmt::Display for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} = function({}) {{ {} }}",
            self.name,
            self.params.join(", "),
            self.body
        )
    }
}

/// A generated program: declarations evaluated in order, then the expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub functions: Vec<Function>,
    pub expr: Expr,
}

impl Case {
    /// The declarations as KRL source lines, for an evaluator.
    pub fn decls(&self) -> Vec<String> {
        self.functions.iter().map(ToString::to_string).collect()
    }

    /// The expression as KRL source.
    pub fn expr_text(&self) -> String {
        self.expr.to_string()
    }

    /// The whole program as one snippet, one declaration per line.
    pub fn snippet(&self) -> String {
        let mut lines = self.decls();
        lines.push(self.expr_text());
        lines.join("\n")
    }
}

/// The functions every program may call: recursion without a base case reached in time,
/// closures that capture, and a higher-order function.
fn library() -> Vec<Function> {
    let parse = |name: &str, params: &[&str], body: &str| Function {
        name: name.to_string(),
        params: params.iter().map(|p| p.to_string()).collect(),
        body: Expr::Lit(body.to_string()),
    };
    vec![
        parse("deep", &["n"], "n <= 0 => 0 | 1 + deep(n - 1)"),
        parse("adder", &["k"], "function(v) { v + k }"),
        parse("twice", &["f", "v"], "f(f(v))"),
        parse("fact", &["n"], "n < 2 => 1 | n * fact(n - 1)"),
    ]
}

/// The value kinds the generator aims at; an ill-typed choice picks another on purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Num,
    Str,
    Bool,
    Array,
    Map,
    Func,
    Any,
}

const KINDS: [Kind; 6] = [
    Kind::Num,
    Kind::Str,
    Kind::Bool,
    Kind::Array,
    Kind::Map,
    Kind::Func,
];

/// Generates program `index` of the run with `seed`.
pub fn case(seed: u64, index: u64) -> Case {
    let mut g = Gen {
        rng: Rng::new(seed, index),
        params: Vec::new(),
        lambdas: 0,
    };
    let mut functions = library();
    // One or two random functions of their own, the second may call the first.
    for idx in 0..1 + g.rng.below(2) {
        let params: Vec<String> = (0..1 + g.rng.below(2)).map(|p| format!("p{p}")).collect();
        g.params = params.clone();
        let kind = g.kind();
        let body = g.expr(kind, 3);
        functions.push(Function {
            name: format!("g{idx}"),
            params,
            body,
        });
    }
    g.params = Vec::new();
    let kind = g.kind();
    let mut expr = g.expr(kind, 4);
    // Often call a generated function, so their bodies run.
    if g.rng.below(2) == 0 {
        let function = &functions[library().len() + g.rng.below(functions.len() - library().len())];
        let args = (0..function.params.len()).map(|_| g.expr(Kind::Any, 2)).collect();
        expr = Expr::Call(Box::new(Expr::Var(function.name.clone())), args);
    }
    Case { functions, expr }
}

struct Gen {
    rng: Rng,
    /// Parameter names in scope.
    params: Vec<String>,
    /// Lambda parameters made so far, for fresh names.
    lambdas: usize,
}

fn boxed(expr: Expr) -> Box<Expr> {
    Box::new(expr)
}

fn lit(text: &str) -> Expr {
    Expr::Lit(text.to_string())
}

impl Gen {
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.below(items.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.rng.below(100) < percent
    }

    fn kind(&mut self) -> Kind {
        self.pick(&KINDS)
    }

    /// An expression meant to be of `kind`; one in eight is of a random other kind.
    fn expr(&mut self, kind: Kind, depth: u32) -> Expr {
        let kind = if kind == Kind::Any || self.chance(12) {
            self.kind()
        } else {
            kind
        };
        if depth == 0 || self.chance(25) {
            return self.leaf(kind);
        }
        let d = depth - 1;
        match kind {
            Kind::Num => self.number(d),
            Kind::Str => self.string(d),
            Kind::Bool => self.boolean(d),
            Kind::Array => self.array(d),
            Kind::Map => self.map(d),
            Kind::Func | Kind::Any => self.function(d),
        }
    }

    fn leaf(&mut self, kind: Kind) -> Expr {
        if !self.params.is_empty() && self.chance(30) {
            let params = self.params.clone();
            return Expr::Var(params[self.rng.below(params.len())].clone());
        }
        if self.chance(4) {
            return lit("null");
        }
        if self.chance(1) {
            // A compile error: the name is declared nowhere.
            return Expr::Var("undeclared".into());
        }
        match kind {
            Kind::Num => lit(self.pick(&["0", "1", "2", "-3", "7.5", "10", "0.1", "1e21", "-0", "255"])),
            Kind::Str => lit(self.pick(&[
                "\"\"",
                "\"abc\"",
                "\"12\"",
                "\"a,b,c\"",
                "\"Hi there\"",
                "\"0x1f\"",
                "\"é😀\"",
            ])),
            Kind::Bool => lit(self.pick(&["true", "false"])),
            Kind::Array => lit(self.pick(&[
                "[]",
                "[1, 2, 3]",
                "[\"b\", \"a\"]",
                "[null, [1], {}]",
                "[3, 1, 2]",
            ])),
            Kind::Map => lit(self.pick(&[
                "{}",
                "{\"a\": 1, \"b\": 2}",
                "{\"k\": [1, 2]}",
                "{\"b\": null, \"a\": \"x\"}",
            ])),
            Kind::Func | Kind::Any => {
                let name = self.pick(&[
                    "adder(2)",
                    "fact",
                    "deep",
                    "function(x) { x }",
                    "re#a(b)?#",
                    "\"not a function\"",
                ]);
                lit(name)
            }
        }
    }

    fn number(&mut self, d: u32) -> Expr {
        match self.rng.below(11) {
            0..=3 => {
                let op = self.pick(&["+", "-", "*", "/", "%"]);
                Expr::Binary(boxed(self.expr(Kind::Num, d)), op, boxed(self.expr(Kind::Num, d)))
            }
            4 => Expr::Unary("-", boxed(self.expr(Kind::Num, d))),
            5 => {
                let object = self.pick(&[Kind::Str, Kind::Array, Kind::Map]);
                Expr::Method(boxed(self.expr(object, d)), "length", Vec::new())
            }
            6 => Expr::Method(boxed(self.expr(Kind::Str, d)), "as", vec![lit("\"Number\"")]),
            7 => {
                // Deep recursion: sometimes far past any depth limit.
                let n = self.pick(&["3", "20", "100000", "-1"]);
                let callee = self.pick(&["deep", "fact"]);
                Expr::Call(boxed(Expr::Var(callee.into())), vec![lit(n)])
            }
            8 => Expr::Index(boxed(self.expr(Kind::Array, d)), boxed(self.index(d))),
            9 => Expr::Call(boxed(lit("adder(3)")), vec![self.expr(Kind::Num, d)]),
            _ => {
                let reducer = self.lambda(2, Kind::Num, d);
                Expr::Method(
                    boxed(self.expr(Kind::Array, d)),
                    "reduce",
                    vec![reducer, lit("0")],
                )
            }
        }
    }

    fn index(&mut self, d: u32) -> Expr {
        if self.chance(60) {
            lit(self.pick(&["0", "1", "2", "-1", "99", "1.5"]))
        } else {
            self.expr(Kind::Num, d)
        }
    }

    fn string(&mut self, d: u32) -> Expr {
        match self.rng.below(8) {
            0 | 1 => Expr::Binary(
                boxed(self.expr(Kind::Str, d)),
                "+",
                boxed(self.expr(Kind::Any, d)),
            ),
            2 => Expr::Method(
                boxed(self.expr(Kind::Str, d)),
                self.pick(&["uc", "lc"]),
                Vec::new(),
            ),
            3 => Expr::Method(
                boxed(self.expr(Kind::Str, d)),
                "substr",
                vec![self.index(d), self.index(d)],
            ),
            4 => Expr::Chevron(
                (0..1 + self.rng.below(2))
                    .map(|_| self.expr(Kind::Any, d))
                    .collect(),
            ),
            5 => Expr::Method(boxed(self.expr(Kind::Array, d)), "join", vec![lit("\",\"")]),
            6 => Expr::Method(boxed(self.expr(Kind::Any, d)), "as", vec![lit("\"String\"")]),
            _ => Expr::Method(
                boxed(self.expr(Kind::Str, d)),
                "replace",
                vec![
                    lit(self.pick(&["re#[a-c]#g", "\"a\"", "re#(\\d)#"])),
                    self.expr(Kind::Str, d),
                ],
            ),
        }
    }

    fn boolean(&mut self, d: u32) -> Expr {
        match self.rng.below(6) {
            0 | 1 => {
                let op = self.pick(&["<", "<=", ">", ">=", "==", "!=", "like", "><"]);
                let kind = self.kind();
                Expr::Binary(boxed(self.expr(kind, d)), op, boxed(self.expr(Kind::Any, d)))
            }
            2 => Expr::Unary("not ", boxed(self.expr(Kind::Bool, d))),
            3 => {
                let op = self.pick(&["&&", "||"]);
                Expr::Binary(
                    boxed(self.expr(Kind::Bool, d)),
                    op,
                    boxed(self.expr(Kind::Any, d)),
                )
            }
            4 => Expr::Method(boxed(self.expr(Kind::Str, d)), "match", vec![lit("re#^[a-z]+$#")]),
            _ => Expr::Method(boxed(self.expr(Kind::Any, d)), "isnull", Vec::new()),
        }
    }

    fn array(&mut self, d: u32) -> Expr {
        match self.rng.below(8) {
            0 => Expr::Array((0..self.rng.below(4)).map(|_| self.expr(Kind::Any, d)).collect()),
            1 => {
                let name = self.pick(&["map", "filter"]);
                let kind = if name == "map" { Kind::Any } else { Kind::Bool };
                let callback = self.lambda(1, kind, d);
                Expr::Method(boxed(self.expr(Kind::Array, d)), name, vec![callback])
            }
            2 => Expr::Method(
                boxed(self.expr(Kind::Array, d)),
                "append",
                vec![self.expr(Kind::Any, d)],
            ),
            3 => Expr::Method(
                boxed(self.expr(Kind::Array, d)),
                "slice",
                vec![self.index(d), self.index(d)],
            ),
            4 => Expr::Method(boxed(self.expr(Kind::Str, d)), "split", vec![lit("\",\"")]),
            5 => Expr::Method(
                boxed(self.expr(Kind::Array, d)),
                self.pick(&["reverse", "sort", "tail"]),
                Vec::new(),
            ),
            6 => Expr::Method(
                boxed(self.expr(Kind::Map, d)),
                self.pick(&["keys", "values"]),
                Vec::new(),
            ),
            _ => Expr::Method(
                boxed(lit(self.pick(&["0", "1", "-2"]))),
                "range",
                vec![self.index(d)],
            ),
        }
    }

    fn map(&mut self, d: u32) -> Expr {
        match self.rng.below(5) {
            0 | 1 => Expr::Map(
                (0..self.rng.below(3))
                    .map(|idx| (["a", "b", "c"][idx].to_string(), self.expr(Kind::Any, d)))
                    .collect(),
            ),
            2 => Expr::Method(
                boxed(self.expr(Kind::Map, d)),
                "put",
                vec![
                    lit(self.pick(&["\"a\"", "\"z\"", "[\"k\", \"n\"]"])),
                    self.expr(Kind::Any, d),
                ],
            ),
            3 => Expr::Method(
                boxed(self.expr(Kind::Map, d)),
                "delete",
                vec![lit(self.pick(&["\"a\"", "\"missing\""]))],
            ),
            _ => Expr::Path(
                boxed(self.expr(Kind::Map, d)),
                boxed(lit(self.pick(&["\"a\"", "\"k\"", "\"missing\"", "[\"k\", 0]"]))),
            ),
        }
    }

    fn function(&mut self, d: u32) -> Expr {
        match self.rng.below(4) {
            0 => self.lambda(1, Kind::Any, d),
            // Some callees are not functions at all (a string, a regex).
            3 => Expr::Call(boxed(self.leaf(Kind::Func)), vec![self.expr(Kind::Num, d)]),
            1 => Expr::Call(
                boxed(Expr::Var("twice".into())),
                vec![lit("adder(1)"), self.expr(Kind::Num, d)],
            ),
            _ => Expr::Call(boxed(self.lambda(1, Kind::Any, d)), vec![self.expr(Kind::Any, d)]),
        }
    }

    /// `function(a, ...) { body }`; the body also sees the enclosing parameters.
    fn lambda(&mut self, arity: usize, kind: Kind, d: u32) -> Expr {
        let params: Vec<String> = (0..arity)
            .map(|_| {
                self.lambdas += 1;
                format!("v{}", self.lambdas)
            })
            .collect();
        let outer = self.params.len();
        self.params.extend(params.iter().cloned());
        let body = self.expr(kind, d);
        self.params.truncate(outer);
        Expr::Lambda(params, boxed(body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_depend_only_on_seed_and_index() {
        assert_eq!(case(7, 3), case(7, 3));
        let distinct: std::collections::HashSet<String> = (0..50).map(|idx| case(7, idx).snippet()).collect();
        assert!(distinct.len() > 45, "only {} distinct programs", distinct.len());
    }

    #[test]
    fn printing_parenthesises_every_operator() {
        let expr = Expr::Binary(
            boxed(Expr::Method(boxed(lit("\"ab\"")), "length", Vec::new())),
            "*",
            boxed(Expr::Cond(boxed(lit("true")), boxed(lit("1")), boxed(lit("2")))),
        );
        assert_eq!(expr.to_string(), "((\"ab\").length() * (true => 1 | 2))");
        assert_eq!(expr.size(), 7);
        assert_eq!(
            expr.with_child(1, lit("3")).to_string(),
            "((\"ab\").length() * 3)"
        );
    }
}
