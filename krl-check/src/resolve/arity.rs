//! Arity and kind checks of calls whose callee resolved to a declaration with a known
//! [`Signature`]: too many or missing arguments, unknown named arguments, an action called in
//! an expression, a function used as an action.

use krl_diagnostics::{Diagnostic, Span, codes};
use krl_syntax::ast::{Args, Ident};

use super::{CallForm, Resolver};
use crate::scope::{CallSite, DeclId, Shape, Signature};

impl Resolver {
    pub(super) fn check_arity(&mut self, id: DeclId, name: &Ident, args: &Args, form: CallForm) {
        let decl = self.table.declaration(id);
        let signature = match (&decl.shape, form) {
            // Matches pico-engine: `noop()` in an expression is `Not a function: ActionFunction`.
            (Shape::Function(sig), CallForm::Plain | CallForm::Method) => sig.clone(),
            (Shape::Action(sig) | Shape::ActionFunction(sig), CallForm::Action) => sig.clone(),
            (shape, form) => {
                self.report_not_callable(id, shape.clone(), name, form);
                return;
            }
        };
        let declared_at = (!decl.kind.is_builtin()).then_some(decl.span);
        let receiver = usize::from(matches!(form, CallForm::Method));
        let mut supplied = vec![false; signature.max().max(1)];
        let mut count = receiver;
        let mut problems = Vec::new();
        for slot in supplied.iter_mut().take(receiver) {
            *slot = true;
        }
        for arg in args.args() {
            match &arg.name {
                None => {
                    if let Some(slot) = supplied.get_mut(count) {
                        *slot = true;
                    }
                    count += 1;
                }
                Some(named) => match signature.params.iter().position(|param| *param == named.name) {
                    Some(idx) => supplied[idx] = true,
                    None => problems.push((
                        named.span,
                        format!("`{}` has no parameter `{}`", name.name, named.name),
                    )),
                },
            }
        }
        self.table.calls.push(CallSite {
            callee: id,
            name_span: name.span,
            args_span: args.span,
            positional: count,
            method: receiver == 1,
        });
        if declared_at.is_some() {
            // Matches pico-engine: missing arguments are null and extra ones are ignored, and
            // its own test rulesets rely on both; the `too-many-arguments` lint reports extras.
            self.report_arity(problems, receiver, &signature, name, declared_at);
            return;
        }
        let missing = signature
            .params
            .iter()
            .take(signature.min)
            .zip(&supplied)
            .any(|(_, &given)| !given);
        let has_named = args.args().any(|arg| arg.name.is_some());
        if count > signature.max() || (missing && !has_named && problems.is_empty()) {
            let given = count - receiver;
            let takes = signature.min.saturating_sub(receiver)..=signature.max().saturating_sub(receiver);
            let message = format!(
                "`{}` takes {} but {} {} given",
                name.name,
                describe_count(*takes.start(), *takes.end()),
                given,
                if given == 1 { "was" } else { "were" }
            );
            problems.push((args.span, message));
        } else if missing {
            let absent: Vec<_> = signature
                .params
                .iter()
                .take(signature.min)
                .zip(&supplied)
                .filter(|(_, given)| !**given)
                .map(|(param, _)| format!("`{param}`"))
                .collect();
            problems.push((
                args.span,
                format!("`{}` is missing {}", name.name, absent.join(", ")),
            ));
        }
        self.report_arity(problems, receiver, &signature, name, None);
    }

    /// An action called in an expression, or a function used as an action (language.md
    /// §3.3): the reference compiler rejects both when the callee's type is known.
    fn report_not_callable(&mut self, id: DeclId, shape: Shape, name: &Ident, form: CallForm) {
        let type_name = match &shape {
            Shape::Function(_) => "Function",
            Shape::Action(_) => "Action",
            Shape::ActionFunction(_) => "ActionFunction",
            Shape::Unknown => return,
        };
        let decl = self.table.declaration(id);
        let declared_at = (!decl.kind.is_builtin()).then_some(decl.span);
        let mut diagnostic = match form {
            CallForm::Plain | CallForm::Method => Diagnostic::error(
                codes::NOT_A_FUNCTION,
                self.at(name.span),
                format!(
                    "`{}` is an action and cannot be called in an expression",
                    name.name
                ),
            )
            .with_help("call it in an action block; compute values in `pre`")
            .with_note(format!("pico-engine reports: `Not a function: {type_name}`")),
            CallForm::Action => Diagnostic::error(
                codes::NOT_AN_ACTION,
                self.at(name.span),
                format!("`{}` is a function, not an action", name.name),
            )
            .with_help("compute the value in `pre`, and use an action such as `send_directive` or `noop`")
            .with_note(format!("pico-engine reports: `Not an action: {type_name}`")),
        };
        if let Some(at) = declared_at {
            diagnostic = diagnostic.with_related(self.at(at), "declared here");
        }
        self.out.push(diagnostic);
    }

    fn report_arity(
        &mut self,
        problems: Vec<(Span, String)>,
        receiver: usize,
        signature: &Signature,
        name: &Ident,
        declared_at: Option<Span>,
    ) {
        for (span, message) in problems {
            let mut diagnostic = Diagnostic::error(codes::WRONG_ARGUMENT_COUNT, self.at(span), message);
            if receiver == 1 {
                diagnostic = diagnostic.with_note("the receiver of a method call is its first argument");
            }
            diagnostic = match declared_at {
                Some(at) => diagnostic.with_related(self.at(at), "declared here"),
                None => diagnostic.with_note(format!(
                    "parameters of `{}`: {}",
                    name.name,
                    if signature.params.is_empty() {
                        "none".to_string()
                    } else {
                        signature.params.join(", ")
                    }
                )),
            };
            self.out.push(diagnostic);
        }
    }
}

fn describe_count(min: usize, max: usize) -> String {
    let unit = |n: usize| if n == 1 { "argument" } else { "arguments" };
    if min == max {
        format!("{min} {}", unit(max))
    } else {
        format!("{min} to {max} {}", unit(max))
    }
}
