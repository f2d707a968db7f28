//! Simple type inference where the type is certain, and the type errors it proves.
//!
//! Only what cannot be wrong counts: literals, operators whose result type never varies,
//! `as("T")` with a literal type, and a table of standard library results (language.md §6),
//! used only when the callee really is the stdlib operator (not a user declaration hiding
//! it). Everything else is unknown, so nothing is reported about it.

use krl_diagnostics::{Diagnostic, Span, codes};
use krl_syntax::ast::{Args, BinaryOp, Expr, ExprKind, UnaryOp};
use krl_syntax::visit::Node;

use crate::FastMap;
use crate::lints::{LintContext, NodeCx};
use crate::scope::{DeclId, DeclKind, NameTable};

/// The types of language.md §4.1 that inference can be sure of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    Null,
    Boolean,
    String,
    Number,
    RegExp,
    Array,
    Map,
    Function,
    Action,
}

impl Ty {
    /// The `typeof` name.
    pub fn name(self) -> &'static str {
        match self {
            Ty::Null => "Null",
            Ty::Boolean => "Boolean",
            Ty::String => "String",
            Ty::Number => "Number",
            Ty::RegExp => "RegExp",
            Ty::Array => "Array",
            Ty::Map => "Map",
            Ty::Function => "Function",
            Ty::Action => "Action",
        }
    }
}

/// The result type of stdlib operators whose result type does not depend on the arguments
/// (runtime/src/stdlib: each converts its receiver first).
fn stdlib_result(name: &str) -> Option<Ty> {
    Some(match name {
        "lc" | "uc" | "capitalize" | "trim" | "trimLeading" | "trimTrailing" | "typeof" | "join" => {
            Ty::String
        }
        "startsWith" | "endsWith" | "contains" | "isnull" | "isEmpty" | "match" | "has" | "any" | "all"
        | "none" | "notall" => Ty::Boolean,
        "length" => Ty::Number,
        "split" | "keys" | "values" | "range" => Ty::Array,
        _ => return None,
    })
}

/// Inference over one ruleset: knows which call names resolved to the stdlib.
pub struct Types<'a> {
    names: &'a NameTable,
    /// Reference start offset → declaration, for the names of calls.
    resolved: FastMap<u32, DeclId>,
}

impl<'a> Types<'a> {
    pub fn new(names: &'a NameTable) -> Types<'a> {
        let resolved = names
            .references
            .iter()
            .filter_map(|reference| Some((reference.span.start, reference.resolved?)))
            .collect();
        Types { names, resolved }
    }

    /// The stdlib operator a call name at `span` means, if it means one.
    pub fn stdlib_name(&self, span: Span) -> Option<&'a str> {
        let id = *self.resolved.get(&span.start)?;
        let decl = self.names.declaration(id);
        (decl.kind == DeclKind::Stdlib).then_some(decl.name.as_str())
    }

    /// For `receiver.op(args)` and `op(receiver, args)` calling a stdlib operator: its name,
    /// the receiver and the remaining arguments.
    pub fn stdlib_call<'e>(&self, expr: &'e Expr) -> Option<(&'a str, Option<&'e Expr>, &'e Args)> {
        let ExprKind::Call { callee, args } = &expr.kind else {
            return None;
        };
        match &callee.kind {
            ExprKind::Dot {
                object,
                domain: None,
                name,
            } => Some((self.stdlib_name(name.span)?, Some(object), args)),
            ExprKind::Identifier { .. } => Some((self.stdlib_name(callee.span)?, None, args)),
            _ => None,
        }
    }

    /// The type `expr` certainly has when its evaluation succeeds, or `None`.
    pub fn infer(&self, expr: &Expr) -> Option<Ty> {
        // One level of a recursion as deep as the source nests (see `krl_syntax::nesting`).
        krl_syntax::nesting::with_stack(|| self.infer_unguarded(expr))
    }

    fn infer_unguarded(&self, expr: &Expr) -> Option<Ty> {
        match &expr.kind {
            ExprKind::Null => Some(Ty::Null),
            ExprKind::Boolean { .. } => Some(Ty::Boolean),
            ExprKind::Number { .. } => Some(Ty::Number),
            ExprKind::String { .. } | ExprKind::Chevron { .. } => Some(Ty::String),
            ExprKind::RegExp { .. } => Some(Ty::RegExp),
            ExprKind::Array { .. } => Some(Ty::Array),
            ExprKind::Map { .. } => Some(Ty::Map),
            ExprKind::Function(_) => Some(Ty::Function),
            ExprKind::Defaction(_) => Some(Ty::Action),
            ExprKind::Paren { inner } => self.infer(inner),
            ExprKind::Unary { op, operand } => match op {
                UnaryOp::Not => Some(Ty::Boolean),
                // `-x` is a Number or fails; `+x` is `x` unchanged.
                UnaryOp::Neg => Some(Ty::Number),
                UnaryOp::Plus => self.infer(operand),
            },
            ExprKind::Binary { op, left, right } => match op {
                BinaryOp::Eq
                | BinaryOp::NotEq
                | BinaryOp::Lt
                | BinaryOp::LtEq
                | BinaryOp::Gt
                | BinaryOp::GtEq => Some(Ty::Boolean),
                BinaryOp::Like | BinaryOp::Contains => Some(Ty::Boolean),
                BinaryOp::Spaceship | BinaryOp::Cmp => Some(Ty::Number),
                BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => Some(Ty::Number),
                // Both Numbers add; anything else concatenates. An overflowing sum is not a
                // Number, so two Numbers give no certain type.
                BinaryOp::Add => {
                    let (left, right) = (self.infer(left), self.infer(right));
                    let not_number = |ty: Option<Ty>| ty.is_some_and(|ty| ty != Ty::Number);
                    (not_number(left) || not_number(right)).then_some(Ty::String)
                }
                BinaryOp::And | BinaryOp::Or => {
                    let left = self.infer(left)?;
                    (self.infer(right)? == left).then_some(left)
                }
            },
            ExprKind::Conditional { then, else_, .. } => {
                let then = self.infer(then)?;
                (self.infer(else_)? == then).then_some(then)
            }
            ExprKind::Call { .. } => {
                let (name, _, args) = self.stdlib_call(expr)?;
                if name == "as" {
                    let target = args.args().last()?;
                    return match &target.value.kind {
                        ExprKind::String { value } => match value.as_str() {
                            "String" => Some(Ty::String),
                            "Boolean" => Some(Ty::Boolean),
                            _ => None,
                        },
                        _ => None,
                    };
                }
                stdlib_result(name)
            }
            _ => None,
        }
    }
}

/// How a value converts to a number (language.md §4.5), when that is certain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ToNumber {
    Converts,
    Fails,
    Unknown,
}

fn to_number(types: &Types, expr: &Expr) -> ToNumber {
    if let ExprKind::String { value } = &strip_parens(expr).kind {
        return if string_is_numeric(value) {
            ToNumber::Converts
        } else {
            ToNumber::Fails
        };
    }
    match types.infer(expr) {
        Some(Ty::RegExp | Ty::Function | Ty::Action) => ToNumber::Fails,
        Some(Ty::Null | Ty::Boolean | Ty::Number | Ty::Array | Ty::Map) => ToNumber::Converts,
        Some(Ty::String) | None => ToNumber::Unknown,
    }
}

fn strip_parens(expr: &Expr) -> &Expr {
    match &expr.kind {
        ExprKind::Paren { inner } => strip_parens(inner),
        _ => expr,
    }
}

/// Whether `toNumberOrNull` converts this string (language.md §4.5). Errs on the side of
/// "converts": only strings that are certainly not numbers return `false`.
fn string_is_numeric(text: &str) -> bool {
    let text = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if text.is_empty() {
        return true;
    }
    let lower = text.to_ascii_lowercase();
    for prefix in ["0x", "0b", "0o", "-0x", "+0x"] {
        if lower.starts_with(prefix) {
            // Prefixed forms have their own rules; do not claim anything about them.
            return true;
        }
    }
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(idx) => (&body[..idx], Some(&body[idx + 1..])),
        None => (body, None),
    };
    let digits = mantissa.chars().filter(char::is_ascii_digit).count();
    let mantissa_ok = digits > 0
        && mantissa.chars().all(|c| c.is_ascii_digit() || c == '.')
        && mantissa.chars().filter(|&c| c == '.').count() <= 1;
    let exponent_ok = exponent.is_none_or(|exp| {
        let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
        !exp.is_empty() && exp.chars().all(|c| c.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

/// Reports operators that always raise a TypeError (E0304); runs in the lints' shared walk.
pub(crate) fn check_node(ctx: &LintContext, cx: &NodeCx, out: &mut Vec<Diagnostic>) {
    let types = ctx.types;
    let Node::Expr(expr) = cx.node else {
        return;
    };
    let (what, operands): (&str, Vec<&Expr>) = match &expr.kind {
        ExprKind::Binary { op, left, right } => match op {
            BinaryOp::Sub => ("`-`", vec![left, right]),
            BinaryOp::Mul => ("`*`", vec![left, right]),
            BinaryOp::Div => ("`/`", vec![left, right]),
            BinaryOp::Mod => ("`%`", vec![left, right]),
            _ => return,
        },
        ExprKind::Unary {
            op: UnaryOp::Neg,
            operand,
        } => ("unary `-`", vec![operand]),
        _ => return,
    };
    for operand in operands {
        if to_number(types, operand) != ToNumber::Fails {
            continue;
        }
        let described = match &strip_parens(operand).kind {
            ExprKind::String { value } => format!("the string {value:?}"),
            _ => format!("a {}", types.infer(operand).map_or("value", Ty::name)),
        };
        out.push(
            Diagnostic::error(
                codes::OPERAND_TYPE_ERROR,
                ctx.at(operand.span),
                format!("{what} needs numbers, and {described} never converts to one"),
            )
            .with_label("always raises a TypeError at run time")
            .with_help(if what == "`-`" || what == "unary `-`" {
                "convert the value first, or remove the operator"
            } else {
                "convert the value first; to join strings use `+`"
            }),
        );
        break;
    }
}

#[cfg(test)]
mod tests {
    use super::string_is_numeric;

    #[test]
    fn numeric_strings_follow_to_number() {
        for yes in [
            "", "  ", "5", " +5 ", "1.5e3", ".5", "5.", "-2", "0x1F", "0b101", "1e-7",
        ] {
            assert!(string_is_numeric(yes), "{yes:?}");
        }
        for no in [
            "a", "abc", "12px", "1,000", "Infinity", "NaN", "1e", "..", "e5", "-",
        ] {
            assert!(!string_is_numeric(no), "{no:?}");
        }
    }
}
