//! Uses of the built-in modules' members, checked against the builtin table
//! (`krl_builtins::MODULES`):
//! - `math:nope`: a member that a module with a closed member list does not have (E0219).
//!   Running it always fails (`TypeError: math:nope is not a function`), so it is an error,
//!   with the closest member as a suggestion.
//! - an action called in an expression (`x = http:post(url)`) or a property called
//!   (`ctx:rulesets()`) (E0301), and a function used as an action (`ctx:query(...)` in an
//!   action block) (E0302). pico-engine cannot know a module member's type when it compiles,
//!   so it fails when the call runs (`... is not a function`, `... is not an action`).
//! - a call without a required argument (`math:hash("sha256")`) or with a named argument the
//!   member does not have (`math:abs(n = 1)`, which binds nothing) (E0209). Too many
//!   positional arguments are the `too-many-arguments` lint's.
//!
//! Matches pico-engine: a module used `alias math` replaces the built-in `math` for that
//! ruleset, so such an alias turns these checks off for its name.

use krl_builtins::{Builtin, Kind};
use krl_diagnostics::{Diagnostic, FileId, FileSpan, codes};
use krl_syntax::ast::{Args, ExprKind, Ident};
use krl_syntax::visit::Node;

use crate::lints::{LintContext, NodeCx};
use crate::resolve::closest;

/// Where a member is called: in an expression, or as an action of an action block.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    Expression,
    Action,
}

/// Checks the node of the lints' shared walk (`lints::run_all`) that names or calls a member
/// of a built-in module: `domain:name`, `domain:name(...)`, or a module action.
pub(crate) fn check_node(ctx: &LintContext, cx: &NodeCx, out: &mut Vec<Diagnostic>) {
    let mut checker = Checker { ctx, out };
    match cx.node {
        Node::Expr(expr) => match &expr.kind {
            ExprKind::DomainIdentifier { domain, name } => checker.reference(domain, name),
            ExprKind::Call { callee, args } => {
                if let ExprKind::DomainIdentifier { domain, name } = &callee.kind {
                    checker.call(domain, name, args, Form::Expression);
                }
            }
            _ => {}
        },
        // In a rule's action block or a defaction's; their arguments are expressions, which
        // the walk hands over too.
        Node::Action(action) => {
            if let Some(domain) = &action.domain {
                checker.reference(domain, &action.name);
                checker.call(domain, &action.name, &action.args, Form::Action);
            }
        }
        _ => {}
    }
}

struct Checker<'c, 'a> {
    ctx: &'c LintContext<'a>,
    out: &'c mut Vec<Diagnostic>,
}

impl Checker<'_, '_> {
    /// The table's entry for `domain:name`, unless a used module's alias takes the name.
    fn member(&self, domain: &Ident) -> Option<&'static krl_builtins::Module> {
        let module = krl_builtins::module(&domain.name)?;
        (!self.ctx.alias_named(&domain.name)).then_some(module)
    }

    /// `domain:name` mentioned at all: it must exist when the module's list is closed.
    fn reference(&mut self, domain: &Ident, name: &Ident) {
        if let Some(module) = self.member(domain)
            && module.closed
            && module.member(&name.name).is_none()
        {
            self.out.push(unknown_member(self.ctx.file, module, domain, name));
        }
    }

    fn call(&mut self, domain: &Ident, name: &Ident, args: &Args, form: Form) {
        let Some(member) = self.member(domain).and_then(|module| module.member(&name.name)) else {
            return;
        };
        let callee = format!("{}:{}", domain.name, name.name);
        let at = FileSpan::new(self.ctx.file, domain.span.cover(name.span));
        match (form, member.kind) {
            // `event:attrs(...)` has its own check (E0303).
            (Form::Expression, Kind::Property) if callee == "event:attrs" => return,
            (Form::Expression, Kind::Property) => {
                self.out.push(
                    Diagnostic::error(
                        codes::NOT_A_FUNCTION,
                        at,
                        format!("`{callee}` is a property, not a function"),
                    )
                    .with_help(format!("write `{callee}` without parentheses"))
                    .with_note("pico-engine fails when the call runs: `... is not a function`"),
                );
                return;
            }
            (Form::Expression, Kind::Action) => {
                self.out.push(
                    Diagnostic::error(
                        codes::NOT_A_FUNCTION,
                        at,
                        format!("`{callee}` is an action and cannot be called in an expression"),
                    )
                    .with_help("call it in an action block; compute values in `pre`")
                    .with_note("pico-engine fails when the call runs: `[Action] is not a function`"),
                );
                return;
            }
            (Form::Action, Kind::Function | Kind::Property) => {
                self.out.push(
                    Diagnostic::error(
                        codes::NOT_AN_ACTION,
                        at,
                        format!("`{callee}` is a {}, not an action", kind_word(member.kind)),
                    )
                    .with_help(
                        "compute the value in `pre`, and use an action such as `send_directive` or `noop`",
                    )
                    .with_note("pico-engine fails when the action runs: `... is not an action`"),
                );
                return;
            }
            _ => {}
        }
        self.arguments(&callee, member, args);
    }

    /// Named arguments the member has no parameter for, and required parameters no argument
    /// supplies.
    fn arguments(&mut self, callee: &str, member: &Builtin, args: &Args) {
        let mut supplied = vec![false; member.max()];
        let mut positional = 0;
        let mut unknown_named = false;
        for arg in args.args() {
            match &arg.name {
                None => {
                    if let Some(slot) = supplied.get_mut(positional) {
                        *slot = true;
                    }
                    positional += 1;
                }
                Some(named) => match member.params.iter().position(|param| param.name == named.name) {
                    Some(idx) => supplied[idx] = true,
                    None => {
                        unknown_named = true;
                        self.out.push(
                            Diagnostic::error(
                                codes::WRONG_ARGUMENT_COUNT,
                                FileSpan::new(self.ctx.file, named.span),
                                format!("`{callee}` has no parameter `{}`", named.name),
                            )
                            .with_note("pico-engine ignores the argument")
                            .with_note(parameters_note(callee, member)),
                        );
                    }
                },
            }
        }
        let missing: Vec<String> = member
            .params
            .iter()
            .zip(&supplied)
            .take(member.required)
            .filter(|(_, given)| !**given)
            .map(|(param, _)| format!("`{}`", param.name))
            .collect();
        // A misspelt named argument is the one mistake; the parameter it missed is not another.
        if !missing.is_empty() && !unknown_named {
            self.out.push(
                Diagnostic::error(
                    codes::WRONG_ARGUMENT_COUNT,
                    FileSpan::new(self.ctx.file, args.span),
                    format!("`{callee}` is missing {}", missing.join(", ")),
                )
                .with_note(parameters_note(callee, member)),
            );
        }
    }
}

fn kind_word(kind: Kind) -> &'static str {
    match kind {
        Kind::Property => "property",
        _ => "function",
    }
}

fn parameters_note(callee: &str, member: &Builtin) -> String {
    let names: Vec<&str> = member.param_names().collect();
    match names.is_empty() {
        true => format!("`{callee}` takes no arguments"),
        false => format!("parameters of `{callee}`: {}", names.join(", ")),
    }
}

fn unknown_member(file: FileId, module: &krl_builtins::Module, domain: &Ident, name: &Ident) -> Diagnostic {
    let at = FileSpan::new(file, domain.span.cover(name.span));
    let diagnostic = Diagnostic::error(
        codes::UNKNOWN_MODULE_MEMBER,
        at,
        format!("the built-in `{}` module has no `{}`", module.name, name.name),
    );
    let names = module.members.iter().map(|member| member.name);
    match closest(&name.name, names.clone()) {
        Some(suggestion) => diagnostic.with_help(format!("did you mean `{}:{suggestion}`?", module.name)),
        None => {
            let names: Vec<&str> = names.collect();
            diagnostic.with_note(format!("`{}` has: {}", module.name, names.join(", ")))
        }
    }
}
