//! The engine `krl eval` and `krl repl` evaluate against: in memory by default, or an
//! engine home (`--home`) so that entity variables persist and a home `krl run` uses can be
//! read while that engine is stopped. Input runs as a transaction on one pico (the root
//! pico unless `--pico`), as the ruleset `--rid` (or the last one loaded) would run it, so
//! `ent:`, `time:`, `math:`, `random:`, `event:`, `http:` and `ctx:` all work.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use krl_diagnostics::FileId;
use krl_jit::{EvalError, Session};
use krl_runtime::engine::{Engine, EngineError, EngineOptions, Event, EventResponse, TxnContext};
use krl_runtime::storage::{Durability, SqliteStorage, Storage, StorageError};
use krl_runtime::{RuntimeError, Value};

/// The rid input runs as when no ruleset was named or loaded: its entity variables are
/// the session's own.
pub const DEFAULT_RID: &str = "krl.repl";

#[derive(clap::Args, Clone, Debug, Default)]
pub struct EngineArgs {
    /// Open this engine home (`<home>/db`, as `krl run --home`) instead of an in-memory
    /// engine, so that `ent:` values persist. The engine must not be running.
    #[arg(long)]
    home: Option<PathBuf>,
    /// The pico to evaluate on (default: the root pico).
    #[arg(long)]
    pico: Option<String>,
    /// The ruleset whose entity variables and modules `ent:` and module calls see.
    #[arg(long)]
    rid: Option<String>,
}

/// An engine with the pico, ruleset and last event that input is evaluated with.
pub struct Scratch {
    engine: Engine,
    pico: String,
    rid: String,
    /// The last event sent with `:event`, which `event:` reads afterwards.
    last_event: Option<Arc<Event>>,
}

impl Scratch {
    pub fn open(args: &EngineArgs) -> anyhow::Result<Scratch> {
        let backend = Arc::new(krl_jit::InterpreterBackend);
        let engine = match &args.home {
            None => Engine::new(backend, EngineOptions::default()),
            Some(home) => {
                let storage = open_home(home)?;
                Engine::open(backend, EngineOptions::default(), storage)
                    .with_context(|| format!("cannot open the engine home `{}`", home.display()))?
            }
        };
        let pico = args
            .pico
            .clone()
            .unwrap_or_else(|| engine.root_pico().to_string());
        Ok(Scratch {
            engine,
            pico,
            rid: args.rid.clone().unwrap_or_else(|| DEFAULT_RID.to_string()),
            last_event: None,
        })
    }

    /// The rid input runs as.
    pub fn rid(&self) -> &str {
        &self.rid
    }

    /// Evaluates one input: an expression or a declaration.
    pub fn eval_input(&self, session: &mut Session, file: FileId, src: &str) -> Result<Value, EvalError> {
        self.run(|cx| session.eval_input(file, src, cx))
    }

    /// `ent:name := expr` (see [`ent_assignment`]): evaluates `src`, the expression, and
    /// stores it; returns the value.
    pub fn assign_ent(
        &self,
        session: &mut Session,
        name: &str,
        file: FileId,
        src: &str,
    ) -> Result<Value, EvalError> {
        self.run(|cx| {
            let value = session.eval_input(file, src, cx)?;
            cx.ent_put(name, None, value.clone()).map_err(runtime_only)?;
            Ok(value)
        })
    }

    /// Brings a ruleset's `configure` and `global` declarations into the session's scope,
    /// evaluated on the pico as that ruleset; later input runs as it too.
    pub fn load_scope(&mut self, session: &mut Session, file: FileId, src: &str) -> Result<(), EvalError> {
        if let Some(rid) = ruleset_rid(src) {
            self.rid = rid;
        }
        self.run(|cx| session.load_ruleset(file, src, cx))
    }

    /// Registers a ruleset file and installs it on the pico, so that `:event` runs its rules.
    pub fn install(&self, path: &Path) -> Result<String, EngineError> {
        let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let url = format!("file://{}", absolute.display());
        self.engine.flush(&url)?;
        self.engine.install(&self.pico, &url, Default::default())
    }

    /// Sends an event to the pico through the developer channel and waits for its
    /// directives; `event:` reads it afterwards.
    pub fn send_event(&mut self, domain: &str, name: &str, attrs: Value) -> anyhow::Result<EventResponse> {
        let eci = super::run::developer_channel_on(&self.engine, &self.pico)?;
        let response = self.engine.event_wait(&eci, domain, name, attrs.clone())?;
        let event = Event::clean(&eci, domain, name, attrs, now_millis())?;
        self.last_event = Some(Arc::new(event));
        Ok(response)
    }

    /// Runs `body` as a transaction on the pico; an evaluation error undoes its writes.
    fn run<T>(&self, body: impl FnOnce(&mut TxnContext<'_>) -> Result<T, EvalError>) -> Result<T, EvalError> {
        let mut failure = None;
        let result = self
            .engine
            .evaluate(&self.pico, &self.rid, self.last_event.clone(), |cx| {
                body(cx).map_err(|err| {
                    let runtime = match &err {
                        EvalError::Runtime { error, .. } => error.clone(),
                        EvalError::Compile(_) => RuntimeError::error("the input does not compile"),
                    };
                    failure = Some(err);
                    runtime
                })
            });
        match (result, failure) {
            (Ok(value), _) => Ok(value),
            (Err(_), Some(failure)) => Err(failure),
            (Err(EngineError::Runtime(error)), None) => Err(EvalError::Runtime { error, at: None }),
            (Err(other), None) => Err(EvalError::Runtime {
                error: RuntimeError::error(other.to_string()),
                at: None,
            }),
        }
    }
}

/// Opens an engine home's store, saying plainly when a running engine holds it.
fn open_home(home: &Path) -> anyhow::Result<Arc<dyn Storage>> {
    let db = home.join("db");
    std::fs::create_dir_all(&db).with_context(|| format!("cannot create `{}`", db.display()))?;
    match SqliteStorage::open(&db, Durability::default()) {
        Ok(storage) => Ok(Arc::new(storage)),
        Err(StorageError::Locked { .. }) => anyhow::bail!(
            "the engine home `{}` is in use by a running engine (`krl run`); stop it first, \
             or talk to it with `krl query` and `krl event`",
            home.display()
        ),
        Err(err) => Err(err.into()),
    }
}

/// `ent:name := expr`: the name and where the expression starts. KRL writes entity
/// variables only in postludes; the prompt accepts the same statement on its own.
pub fn ent_assignment(src: &str) -> Option<(&str, usize)> {
    let rest = src.trim_start().strip_prefix("ent:")?;
    let name_len = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .unwrap_or(rest.len());
    let (name, after) = rest.split_at(name_len);
    let value = after.trim_start().strip_prefix(":=")?;
    if name.is_empty() {
        return None;
    }
    Some((name, src.len() - value.len()))
}

/// The rid a ruleset's text declares, if it parses that far.
fn ruleset_rid(src: &str) -> Option<String> {
    let parse = krl_syntax::parse_ruleset(FileId(0), src);
    let rid = parse.ruleset.rid.name;
    (!rid.is_empty()).then_some(rid)
}

/// An engine error inside an evaluation (`ent:` write refused) as an evaluation error.
fn runtime_only(error: RuntimeError) -> EvalError {
    EvalError::Runtime { error, at: None }
}

fn now_millis() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_millis() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_assignments_are_recognised() {
        assert_eq!(ent_assignment("ent:count := 1 + 2"), Some(("count", 12)));
        assert_eq!(ent_assignment("  ent:x:=[1]"), Some(("x", 9)));
        assert_eq!(ent_assignment("ent:count"), None);
        assert_eq!(ent_assignment("ent:count == 1"), None);
        assert_eq!(ent_assignment("x = ent:count"), None);
    }
}
