//! The one table of KRL builtins: every standard-library operator and every member of the
//! built-in modules, with its parameters (names and defaults), how many of them a meaningful
//! call supplies, whether it is a function, an action or a property, and its documentation.
//!
//! Data only. The runtime dispatches from it (and a runtime test fails when an entry has no
//! implementation or an implementation has no entry), the checker checks arity and kinds
//! from it, the language server answers hover, completion and signature help from it, and
//! `docs/stdlib.md` is generated from it ([`docs::stdlib_markdown`]; a test fails when the
//! file is stale). This crate depends on nothing, so the runtime can use it without the
//! front end.

pub mod docs;
mod modules;
mod operators;

pub use modules::MODULES;
pub use operators::LIBRARIES;

/// How a builtin is used (language.md §3.3, §4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An ordinary function: usable in expressions and as a method (`x.op()`).
    Function,
    /// An action: only usable in an action block (`send_directive`, `http:post`).
    Action,
    /// Usable both ways (`noop`, `http:get`; typeof `ActionFunction`).
    ActionFunction,
    /// A module member read without a call (`event:attrs`, `math:hashAlgorithms`).
    Property,
}

impl Kind {
    /// Whether a call in an expression (or a method call) is allowed.
    pub fn is_function(self) -> bool {
        matches!(self, Kind::Function | Kind::ActionFunction)
    }

    /// Whether a call in an action block is allowed.
    pub fn is_action(self) -> bool {
        matches!(self, Kind::Action | Kind::ActionFunction)
    }

    /// The KRL type name of the value (`typeof`), as the reference's errors spell it.
    pub fn type_name(self) -> &'static str {
        match self {
            Kind::Function => "Function",
            Kind::Action => "Action",
            Kind::ActionFunction => "ActionFunction",
            Kind::Property => "Property",
        }
    }
}

/// One parameter: its name (named arguments bind to it) and, when a missing argument is not
/// simply null, the default the implementation uses, as KRL source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Param {
    pub name: &'static str,
    pub default: Option<&'static str>,
}

/// A parameter without a default.
pub const fn p(name: &'static str) -> Param {
    Param { name, default: None }
}

/// A parameter with a default (KRL source).
pub const fn d(name: &'static str, default: &'static str) -> Param {
    Param {
        name,
        default: Some(default),
    }
}

/// One operator or module member.
#[derive(Clone, Copy, Debug)]
pub struct Builtin {
    /// The KRL name (`"append"`, `"+"`; `"abs"` for `math:abs`).
    pub name: &'static str,
    pub kind: Kind,
    /// The parameters in order; the receiver of `x.op()` is the first. Arguments beyond them
    /// are dropped, as the reference does. Empty for properties.
    pub params: &'static [Param],
    /// Calls with fewer arguments are reported by the checker. The reference accepts them,
    /// but they either return the receiver unchanged or fail at run time (`[1].any()`).
    pub required: usize,
    /// One line: what it does.
    pub summary: &'static str,
    /// A call and its result, both as KRL source.
    pub example: Option<(&'static str, &'static str)>,
}

impl Builtin {
    /// The most arguments a call may pass.
    pub fn max(&self) -> usize {
        self.params.len()
    }

    /// The parameter names, in order.
    pub fn param_names(&self) -> impl Iterator<Item = &'static str> + use<> {
        self.params.iter().map(|param| param.name)
    }

    /// The parameters as a signature shows them: `str = ","` when there is a default.
    pub fn param_labels(&self) -> Vec<String> {
        self.params
            .iter()
            .map(|param| match param.default {
                Some(default) => format!("{} = {default}", param.name),
                None => param.name.to_string(),
            })
            .collect()
    }

    /// `name(a, b)` (with `prefix` before the name: `math:` for module members); a property
    /// is its name alone.
    pub fn signature(&self, prefix: &str) -> String {
        if self.kind == Kind::Property {
            return format!("{prefix}{}", self.name);
        }
        format!("{prefix}{}({})", self.name, self.param_labels().join(", "))
    }
}

/// One library of the standard library: a section of `docs/stdlib.md` and one file of
/// `runtime/src/stdlib/`.
#[derive(Debug)]
pub struct Library {
    pub title: &'static str,
    /// The runtime file that implements it, without `.rs`.
    pub file: &'static str,
    /// Infix operators (`+`, `like`) are written between their operands, never called by name.
    pub infix: bool,
    pub operators: &'static [Builtin],
}

/// A built-in module (`math`, `ctx`, ...).
#[derive(Debug)]
pub struct Module {
    pub name: &'static str,
    pub summary: &'static str,
    /// Whether [`Module::members`] is everything the runtime answers. `event`, `ctx` and
    /// `meta` also answer legacy and engine-specific names, so their lists are not checked.
    pub closed: bool,
    pub members: &'static [Builtin],
}

impl Module {
    /// The member called `name`.
    pub fn member(&self, name: &str) -> Option<&'static Builtin> {
        self.members.iter().find(|member| member.name == name)
    }
}

/// The implicit `__testing` map (language.md §3.1): shareable and shadowable.
pub const TESTING: &str = "__testing";

/// `stdlib:name` reaches an operator whatever local names shadow it.
pub const STDLIB_MODULE: &str = "stdlib";

/// Every operator, grouped by library in documentation order.
pub fn operators() -> impl Iterator<Item = &'static Builtin> {
    LIBRARIES.iter().flat_map(|library| library.operators.iter())
}

/// Operators called by name (`length(x)`, `x.length()`): all but the infix ones.
pub fn named_operators() -> impl Iterator<Item = &'static Builtin> {
    LIBRARIES
        .iter()
        .filter(|library| !library.infix)
        .flat_map(|library| library.operators.iter())
}

/// The operator called `name`.
pub fn operator(name: &str) -> Option<&'static Builtin> {
    operators().find(|op| op.name == name)
}

/// The operator called `name` that code calls by name (not an infix one).
pub fn named_operator(name: &str) -> Option<&'static Builtin> {
    named_operators().find(|op| op.name == name)
}

/// The built-in module called `name` (not `stdlib`, whose members are the operators).
pub fn module(name: &str) -> Option<&'static Module> {
    MODULES.iter().find(|module| module.name == name)
}

/// `module:name`, when `module` is a built-in module that has it.
pub fn member(module_name: &str, name: &str) -> Option<&'static Builtin> {
    module(module_name)?.member(name)
}

/// The names usable before `:` for builtins: the modules and `stdlib`.
pub fn module_names() -> impl Iterator<Item = &'static str> {
    MODULES.iter().map(|module| module.name).chain([STDLIB_MODULE])
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn operator_names_are_unique_and_arities_fit() {
        let mut seen = HashSet::new();
        for op in operators() {
            assert!(seen.insert(op.name), "duplicate operator {}", op.name);
            assert!(op.required <= op.max(), "{}", op.name);
            assert_ne!(op.kind, Kind::Property, "{}", op.name);
        }
        assert_eq!(operator("defaultsTo").map(Builtin::max), Some(3));
        assert!(named_operators().all(|op| op.name != "+" && op.name != "like"));
    }

    #[test]
    fn module_members_are_unique_and_properties_take_nothing() {
        for module in MODULES {
            let mut seen = HashSet::new();
            for member in module.members {
                assert!(
                    seen.insert(member.name),
                    "duplicate {}:{}",
                    module.name,
                    member.name
                );
                assert!(member.required <= member.max(), "{}:{}", module.name, member.name);
                if member.kind == Kind::Property {
                    assert!(member.params.is_empty(), "{}:{}", module.name, member.name);
                }
            }
        }
        assert_eq!(member("math", "abs").map(Builtin::max), Some(1));
        assert!(member("math", "nope").is_none());
        assert!(module_names().any(|name| name == "stdlib"));
    }

    #[test]
    fn signatures_show_defaults_and_prefixes() {
        let join = operator("join").expect("join exists");
        assert_eq!(join.signature(""), r#"join(val, str = ",")"#);
        let attrs = member("event", "attrs").expect("event:attrs exists");
        assert_eq!(attrs.signature("event:"), "event:attrs");
    }
}
