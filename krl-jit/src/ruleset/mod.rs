//! Whole rulesets for the engine: lowering (`lower`), their IR (`ir`) and running them
//! (`run`), behind the runtime's [`Backend`] trait.

mod code;
mod ir;
mod lower;
mod print;
mod run;
mod sources;
pub(crate) mod testing;
mod verify;

use std::sync::Arc;

use krl_diagnostics::{Diagnostic, FileId, Severity, SourceDb};
use krl_runtime::engine::{Backend, CompileError, CompileWarning, CompiledRuleset};

use crate::ir_print::IrDump;
use crate::ir_verify::IrError;
use crate::lower::Lowerer;
pub use code::compiled_rule_units;
pub use run::CompiledKrl;

/// Parses and lowers a ruleset into `file`'s spans, prints its IR and verifies it. Parse and
/// compile errors come back as diagnostics.
pub fn dump(file: FileId, src: &str) -> Result<IrDump, Vec<Diagnostic>> {
    let parse = krl_syntax::parse_ruleset(file, src);
    if parse.has_errors() {
        return Err(parse.diagnostics);
    }
    let mut lowerer = Lowerer::new(file);
    let ir = lower::ruleset(&mut lowerer, &parse.ruleset);
    if !lowerer.diagnostics.is_empty() {
        return Err(lowerer.diagnostics);
    }
    Ok(IrDump {
        text: print::ruleset(&ir),
        problems: verify::ruleset(&ir).err().unwrap_or_default(),
    })
}

/// In debug builds, panics when lowering produced IR that breaks an invariant the
/// interpreter relies on: that is a bug in lowering, never in the user's code.
pub(crate) fn debug_verify(what: &str, result: impl FnOnce() -> Result<(), Vec<IrError>>) {
    if cfg!(debug_assertions)
        && let Err(problems) = result()
    {
        let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
        panic!(
            "lowering {what} produced invalid IR:\n  {}",
            problems.join("\n  ")
        );
    }
}

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
            // One message naming the file, as `path:line:column` like every other tool.
            let name = url.strip_prefix("file://").unwrap_or(url);
            let message = diagnostics
                .first()
                .map(|d| {
                    let at = db.get(file).lines().human_line_col(d.primary.at.span.start);
                    format!("{kind}: {} [at {name}:{}:{}]", d.message, at.line, at.column)
                })
                .unwrap_or_else(|| format!("{kind}: {name} does not compile"));
            CompileError { message, diagnostics }
        };
        if parse.has_errors() {
            return Err(fail(parse.diagnostics, "ParseError"));
        }
        // The IR's spans point into a file id of its own, so that a runtime error raised in
        // this ruleset's code is located in its text (see `sources`).
        let source = sources::register(parse.ruleset.rid.name.as_str(), url, src);
        let mut lowerer = Lowerer::new(source.file());
        let ir = lower::ruleset(&mut lowerer, &parse.ruleset);
        if !lowerer.diagnostics.is_empty() {
            // Compile diagnostics point into file 0, the one file the caller shows.
            let diagnostics = lowerer
                .diagnostics
                .into_iter()
                .map(|mut d| {
                    d.primary.at.file = file;
                    d.related.iter_mut().for_each(|label| label.at.file = file);
                    d
                })
                .collect();
            return Err(fail(diagnostics, "Error"));
        }
        debug_verify(url, || verify::ruleset(&ir));
        Ok(Arc::new(CompiledKrl {
            ir: Arc::new(ir),
            source,
        }))
    }

    /// The checker's warnings and lints, each with its code.
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
            // Lints stay warnings here even when `krl check` makes them errors
            // (`too-many-arguments`): the engine installs the ruleset all the same.
            .filter(|d| d.severity == Severity::Warning || krl_check::levels::is_lint(d))
            .map(|d| CompileWarning {
                message: format!("{} [{}]", d.message, d.code.id),
                start: at(d.primary.at.span.start),
                end: at(d.primary.at.span.end),
            })
            .collect()
    }
}
