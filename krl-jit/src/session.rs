//! An evaluation session: a global frame that grows as declarations are added. Used by
//! `krl eval` (optionally in the scope of a ruleset's globals) and `krl repl`.

use std::sync::Arc;

use krl_diagnostics::{Diagnostic, FileId, FileSpan, Span, codes};
use krl_runtime::{Host, RuntimeError, Value};
use krl_syntax::ReplItem;
use krl_syntax::ast::{self, MetaPropKind};

use crate::interp::{self, Frame, limits};
use crate::ir_print::{self, IrDump};
use crate::ir_verify;
use crate::lower::Lowerer;

/// Why an evaluation produced no value.
#[derive(Debug)]
pub enum EvalError {
    /// The input did not parse or compile.
    Compile(Vec<Diagnostic>),
    /// Evaluation failed; the span is where, when known.
    Runtime {
        error: RuntimeError,
        at: Option<FileSpan>,
    },
}

impl EvalError {
    /// The failure as diagnostics, for rendering.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            EvalError::Compile(diagnostics) => diagnostics.clone(),
            EvalError::Runtime { error, at } => {
                let at = at.unwrap_or(FileSpan::new(FileId(0), Span::empty(0)));
                vec![Diagnostic::error(codes::RUNTIME_ERROR, at, error.to_string())]
            }
        }
    }
}

/// A growing chain of frames with the lowerer's matching scopes.
pub struct Session {
    lowerer: Lowerer,
    frame: Arc<Frame>,
    max_depth: u32,
    steps: u64,
}

impl Session {
    pub fn new() -> Session {
        Session {
            lowerer: Lowerer::new(FileId(0)),
            frame: Frame::new(0, None),
            max_depth: limits::DEFAULT_MAX_DEPTH,
            steps: u64::MAX,
        }
    }

    /// Limits every later evaluation: call depth and a budget of calls and iterations.
    pub fn with_limits(mut self, max_depth: u32, steps: u64) -> Session {
        self.max_depth = max_depth;
        self.steps = steps;
        self
    }

    /// Brings a ruleset's `configure using` defaults and `global` declarations into scope.
    pub fn load_ruleset(&mut self, file: FileId, src: &str, host: &mut dyn Host) -> Result<(), EvalError> {
        let parse = krl_syntax::parse_ruleset(file, src);
        if parse.has_errors() {
            return Err(EvalError::Compile(parse.diagnostics));
        }
        let mut decls: Vec<&ast::Declaration> = Vec::new();
        for prop in parse.ruleset.meta.iter().flat_map(|meta| meta.props()) {
            if let MetaPropKind::Configure { decls: configured } = &prop.kind {
                decls.extend(ast::declarations(configured));
            }
        }
        if let Some(global) = &parse.ruleset.global {
            decls.extend(ast::declarations(&global.decls));
        }
        self.run_declarations(file, &decls, host)
    }

    fn run_declarations(
        &mut self,
        file: FileId,
        decls: &[&ast::Declaration],
        host: &mut dyn Host,
    ) -> Result<(), EvalError> {
        self.lowerer.set_file(file);
        self.lowerer.push_frame();
        let lowered = self.lowerer.block(decls);
        let n_slots = self.lowerer.scopes.innermost_size();
        if !self.lowerer.diagnostics.is_empty() {
            self.lowerer.pop_frame();
            return Err(EvalError::Compile(std::mem::take(&mut self.lowerer.diagnostics)));
        }
        let frames = self.lowerer.scopes.sizes();
        crate::ruleset::debug_verify("declarations", || ir_verify::decls(&lowered, &frames));
        let frame = Frame::new(n_slots, Some(Arc::clone(&self.frame)));
        // The new declarations stay in scope even when one fails to evaluate, so later
        // inputs resolve the same way; an unevaluated slot reports itself when read.
        self.frame = Arc::clone(&frame);
        self.guarded(file, |host| interp::run_block(&lowered, &frame, host), host)
    }

    /// Evaluates one REPL input: a declaration (kept for later inputs) or an expression.
    /// Returns the expression's value, or the declared value.
    pub fn eval_input(&mut self, file: FileId, src: &str, host: &mut dyn Host) -> Result<Value, EvalError> {
        let (item, diagnostics) = krl_syntax::parse_repl_item(file, src);
        if diagnostics.iter().any(Diagnostic::is_error) {
            return Err(EvalError::Compile(diagnostics));
        }
        match item {
            Some(ReplItem::Declaration(decl)) => {
                self.run_declarations(file, &[&decl], host)?;
                let (depth, slot) = self.lowerer.declared_slot(decl.name.span).unwrap_or((0, 0));
                Ok(self
                    .frame
                    .ancestor(depth)
                    .get(slot, &decl.name.name)
                    .cloned()
                    .unwrap_or_default())
            }
            Some(ReplItem::Expr(expr)) => self.eval_expr(file, &expr, host),
            None => Err(EvalError::Compile(diagnostics)),
        }
    }

    /// Evaluates an expression in the session's scope.
    pub fn eval_expr(
        &mut self,
        file: FileId,
        expr: &ast::Expr,
        host: &mut dyn Host,
    ) -> Result<Value, EvalError> {
        self.lowerer.set_file(file);
        self.lowerer.push_frame();
        let node = self.lowerer.expr(expr);
        self.lowerer.pop_frame();
        if !self.lowerer.diagnostics.is_empty() {
            return Err(EvalError::Compile(std::mem::take(&mut self.lowerer.diagnostics)));
        }
        let mut frames = self.lowerer.scopes.sizes();
        frames.push(0);
        crate::ruleset::debug_verify("an expression", || ir_verify::node(&node, &frames));
        let frame = Frame::new(0, Some(Arc::clone(&self.frame)));
        self.guarded(file, |host| interp::eval(&node, &frame, host), host)
    }

    /// The IR of one REPL input in the session's scope, without evaluating it or keeping
    /// its declarations (`krl eval --dump-ir`).
    pub fn dump_ir(&mut self, file: FileId, src: &str) -> Result<IrDump, EvalError> {
        let (item, diagnostics) = krl_syntax::parse_repl_item(file, src);
        if diagnostics.iter().any(Diagnostic::is_error) {
            return Err(EvalError::Compile(diagnostics));
        }
        self.lowerer.set_file(file);
        self.lowerer.push_frame();
        let dump = match item {
            Some(ReplItem::Declaration(decl)) => {
                let lowered = self.lowerer.block(&[&decl]);
                let frames = self.lowerer.scopes.sizes();
                IrDump {
                    text: ir_print::decls(&lowered),
                    problems: ir_verify::decls(&lowered, &frames).err().unwrap_or_default(),
                }
            }
            Some(ReplItem::Expr(expr)) => {
                let node = self.lowerer.expr(&expr);
                let frames = self.lowerer.scopes.sizes();
                IrDump {
                    text: ir_print::node(&node),
                    problems: ir_verify::node(&node, &frames).err().unwrap_or_default(),
                }
            }
            None => {
                self.lowerer.pop_frame();
                return Err(EvalError::Compile(diagnostics));
            }
        };
        self.lowerer.pop_frame();
        if !self.lowerer.diagnostics.is_empty() {
            return Err(EvalError::Compile(std::mem::take(&mut self.lowerer.diagnostics)));
        }
        Ok(dump)
    }

    fn guarded<T>(
        &self,
        file: FileId,
        body: impl FnOnce(&mut dyn Host) -> Result<T, RuntimeError>,
        host: &mut dyn Host,
    ) -> Result<T, EvalError> {
        let saved = host.exec().set_limits(self.max_depth, self.steps);
        // A place left over from an error something swallowed must not be taken for ours.
        host.exec().take_error_place();
        let result = interp::in_file(host, file, body);
        let at = host.exec().take_error_place().0;
        host.exec().restore(saved);
        result.map_err(|error| EvalError::Runtime { error, at })
    }
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}
