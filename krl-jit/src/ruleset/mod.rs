//! Whole rulesets for the engine: lowering (`lower`), their IR (`ir`) and running them
//! (`run`), behind the runtime's [`Backend`] trait.

mod ir;
mod lower;
mod run;
pub(crate) mod testing;

use std::sync::Arc;

use krl_diagnostics::{FileId, Severity, SourceDb};
use krl_runtime::engine::{Backend, CompileError, CompileWarning, CompiledRuleset};

use crate::lower::Lowerer;
pub use run::CompiledKrl;

/// The interpreter as the engine's backend.
#[derive(Clone, Copy, Debug, Default)]
pub struct InterpreterBackend;

impl Backend for InterpreterBackend {
    fn compile(&self, url: &str, src: &str) -> Result<Arc<dyn CompiledRuleset>, CompileError> {
        let file = FileId(0);
        let parse = krl_syntax::parse_ruleset(file, src);
        let fail = |diagnostics: Vec<krl_diagnostics::Diagnostic>, kind: &str| {
            let mut db = SourceDb::new();
            db.add(url, src);
            let message = diagnostics
                .first()
                .map(|d| {
                    let at = db.get(file).lines().human_line_col(d.primary.at.span.start);
                    format!("{kind}: {} [at line {} col {}]", d.message, at.line, at.column)
                })
                .unwrap_or_else(|| format!("{kind}: compile failed"));
            CompileError { message, diagnostics }
        };
        if parse.has_errors() {
            return Err(fail(parse.diagnostics, "ParseError"));
        }
        let mut lowerer = Lowerer::new(file);
        let ir = lower::ruleset(&mut lowerer, &parse.ruleset);
        if !lowerer.diagnostics.is_empty() {
            return Err(fail(lowerer.diagnostics, "Error"));
        }
        Ok(Arc::new(CompiledKrl { ir: Arc::new(ir) }))
    }

    /// The checker's warnings (lints at their default levels), each with its code.
    fn warnings(&self, url: &str, src: &str) -> Vec<CompileWarning> {
        let file = FileId(0);
        let parse = krl_syntax::parse_ruleset(file, src);
        if parse.has_errors() {
            return Vec::new();
        }
        let mut db = SourceDb::new();
        db.add(url, src);
        let lines = db.get(file).lines();
        // 1-based lines and 0-based columns, as pico-engine's compiler reports them.
        let at = |offset: u32| {
            let at = lines.human_line_col(offset);
            (at.line, at.column.saturating_sub(1))
        };
        krl_check::check(file, &parse)
            .diagnostics
            .into_iter()
            .filter(|d| d.severity == Severity::Warning)
            .map(|d| CompileWarning {
                message: format!("{} [{}]", d.message, d.code.id),
                start: at(d.primary.at.span.start),
                end: at(d.primary.at.span.end),
            })
            .collect()
    }
}
