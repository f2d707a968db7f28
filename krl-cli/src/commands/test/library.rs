//! The rulesets a test run uses, each read, compiled and indexed once: every test's fresh
//! engine gets the compiled code from a caching backend instead of compiling it again, and
//! failures and coverage find a rule's source location here.
//!
//! The system rulesets (`krl_runtime::engine::system`) are compiled here once per run too,
//! under the `krl:system/<rid>.krl` URLs `krl run` registers them at, so that booting them in
//! a test's engine costs an install, not three compiles.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use krl_diagnostics::{FileId, SourceDb, render};
use krl_runtime::engine::{Backend, CompileError, CompiledRuleset, system};

use super::format::{TestFile, line_col};

/// A rule as the source declares it.
#[derive(Debug, Clone)]
pub struct RuleInfo {
    pub name: String,
    pub line: usize,
    pub col: usize,
    pub has_fired: bool,
    pub has_notfired: bool,
    pub has_always: bool,
}

/// One ruleset file, compiled (or why not).
pub struct Ruleset {
    pub path: PathBuf,
    pub url: String,
    pub src: String,
    /// The error is short ("`x.krl` does not compile"); `problems` has the details.
    pub compiled: Result<Arc<dyn CompiledRuleset>, String>,
    /// Why the file could not be read or compiled, rendered once for the whole run.
    pub problems: Option<String>,
    /// Active rules in declaration order.
    pub rules: Vec<RuleInfo>,
}

impl Ruleset {
    pub fn rid(&self) -> Option<&str> {
        self.compiled.as_ref().ok().map(|c| c.rid())
    }
}

/// Every ruleset named by the test files, by path.
#[derive(Default)]
pub struct Library {
    rulesets: HashMap<PathBuf, Arc<Ruleset>>,
    /// The system rulesets, in boot order; their `path` is their `krl:system/` URL.
    system: Vec<Arc<Ruleset>>,
}

impl Library {
    /// Reads and compiles every ruleset the files name (unreadable ones become a compile
    /// failure that each test using it reports).
    pub fn load(files: &[TestFile]) -> Library {
        let mut paths: Vec<&Path> = Vec::new();
        for file in files {
            for test in &file.tests {
                paths.extend(test.rulesets.iter().map(|r| r.path.as_path()));
                for step in &test.steps {
                    use super::format::Action;
                    if let Action::NewPico { rulesets, .. } | Action::Install { rulesets, .. } = &step.action
                    {
                        paths.extend(rulesets.iter().map(|r| r.path.as_path()));
                    }
                }
            }
        }
        paths.sort();
        paths.dedup();
        let mut rulesets: HashMap<PathBuf, Arc<Ruleset>> = paths
            .into_iter()
            .map(|path| (path.to_path_buf(), Arc::new(load_ruleset(path))))
            .collect();
        // Rules install rulesets too (wrangler's `install_ruleset_request` with a URL next to
        // their own): the `.krl` files beside each test file are compiled once as well, so
        // those installs are cached and queries find what they share. Ones that do not
        // compile are left out; a test that names one reports it.
        let mut folders: Vec<&Path> = files.iter().filter_map(|f| f.path.parent()).collect();
        folders.sort();
        folders.dedup();
        for folder in folders {
            let listed = if folder.as_os_str().is_empty() {
                Path::new(".")
            } else {
                folder
            };
            let Ok(entries) = std::fs::read_dir(listed) else {
                continue;
            };
            for entry in entries.filter_map(Result::ok) {
                // Keyed like the paths test files name: `folder/x.krl` (`x.krl` in `.`).
                let path = folder.join(entry.file_name());
                if path.extension().is_some_and(|ext| ext == "krl") && !rulesets.contains_key(&path) {
                    let ruleset = load_ruleset(&path);
                    if ruleset.problems.is_none() {
                        rulesets.insert(path, Arc::new(ruleset));
                    }
                }
            }
        }
        let system = system::RULESETS
            .iter()
            .map(|(rid, src)| {
                let url = system::url(rid);
                Arc::new(compile_ruleset(PathBuf::from(&url), url, src.to_string()))
            })
            .collect();
        Library { rulesets, system }
    }

    /// The system rulesets that do not compile (a bug of this build, reported once per run).
    pub fn system_problems(&self) -> impl Iterator<Item = &Arc<Ruleset>> {
        self.system.iter().filter(|r| r.problems.is_some())
    }

    /// Whether a ruleset uses a system ruleset as a module, so it installs only on a pico
    /// that has the system rulesets.
    pub fn needs_system(&self, ruleset: &Ruleset) -> bool {
        let Ok(compiled) = &ruleset.compiled else {
            return false;
        };
        compiled
            .meta()
            .uses
            .iter()
            .any(|module| self.system.iter().any(|s| s.rid() == Some(module.rid.as_str())))
    }

    /// The ruleset registered at this URL.
    pub fn by_url(&self, url: &str) -> Option<&Arc<Ruleset>> {
        self.rulesets.values().chain(&self.system).find(|r| r.url == url)
    }

    /// The system ruleset with this rid.
    pub fn system_ruleset(&self, rid: &str) -> Option<&Arc<Ruleset>> {
        self.system.iter().find(|r| r.rid() == Some(rid))
    }

    pub fn get(&self, path: &Path) -> Option<&Arc<Ruleset>> {
        self.rulesets.get(path)
    }

    /// The ruleset with this rid (the first loaded when several files declare it).
    pub fn by_rid(&self, rid: &str) -> Option<&Arc<Ruleset>> {
        let mut found: Vec<&Arc<Ruleset>> = self.rulesets.values().filter(|r| r.rid() == Some(rid)).collect();
        found.sort_by(|a, b| a.path.cmp(&b.path));
        found.into_iter().next().or_else(|| self.system_ruleset(rid))
    }

    /// All rulesets, sorted by path.
    pub fn all(&self) -> Vec<&Arc<Ruleset>> {
        let mut all: Vec<&Arc<Ruleset>> = self.rulesets.values().collect();
        all.sort_by(|a, b| a.path.cmp(&b.path));
        all
    }

    /// `path:line:col` of a rule, for "produced by" lines.
    /// A module's directive carries the module's rid but the name of the rule that called
    /// it, so when `rid` has no such rule the one ruleset that has it is taken.
    pub fn rule_location(&self, rid: &str, rule: &str) -> Option<String> {
        let in_ruleset = |ruleset: &Arc<Ruleset>| {
            let info = ruleset.rules.iter().find(|r| r.name == rule)?;
            Some(format!("{}:{}:{}", ruleset.path.display(), info.line, info.col))
        };
        if let Some(found) = self.by_rid(rid).and_then(in_ruleset) {
            return Some(found);
        }
        let mut elsewhere = self.all().into_iter().chain(&self.system).filter_map(in_ruleset);
        let first = elsewhere.next()?;
        elsewhere.next().is_none().then_some(first)
    }

    /// A backend that hands out the compiled rulesets of this library.
    pub fn backend(&self) -> Arc<dyn Backend> {
        Arc::new(CachedBackend {
            by_url: self
                .rulesets
                .values()
                .chain(&self.system)
                .map(|r| (r.url.clone(), Arc::clone(r)))
                .collect(),
        })
    }
}

fn load_ruleset(path: &Path) -> Ruleset {
    let url = format!(
        "file://{}",
        std::path::absolute(path).unwrap_or(path.to_path_buf()).display()
    );
    let src = match std::fs::read_to_string(path) {
        Ok(src) => src,
        Err(err) => {
            return Ruleset {
                path: path.to_path_buf(),
                url,
                src: String::new(),
                compiled: Err(format!("cannot read `{}`: {err}", path.display())),
                problems: Some(format!("error: cannot read `{}`: {err}\n", path.display())),
                rules: Vec::new(),
            };
        }
    };
    compile_ruleset(path.to_path_buf(), url, src)
}

/// Compiles a ruleset's source and indexes its rules.
fn compile_ruleset(path: PathBuf, url: String, src: String) -> Ruleset {
    let path = path.as_path();
    let (compiled, problems) = match krl_jit::InterpreterBackend.compile(&url, &src) {
        Ok(compiled) => (Ok(compiled), None),
        Err(err) => (
            Err(format!("`{}` does not compile (see above)", path.display())),
            Some(compile_report(path, &src, &err)),
        ),
    };
    let rules = rule_index(&src);
    Ruleset {
        path: path.to_path_buf(),
        url,
        src,
        compiled,
        problems,
        rules,
    }
}

/// The compiler's diagnostics rendered against the file, or its one-line message.
fn compile_report(path: &Path, src: &str, err: &CompileError) -> String {
    if err.diagnostics.is_empty() {
        return format!("error: `{}` does not compile: {}\n", path.display(), err.message);
    }
    let mut db = SourceDb::new();
    let file: FileId = db.add(path.display().to_string(), src);
    let mut out = String::new();
    for diagnostic in &err.diagnostics {
        let mut diagnostic = diagnostic.clone();
        diagnostic.primary.at.file = file;
        for label in &mut diagnostic.related {
            label.at.file = file;
        }
        out.push_str(&render::to_terminal(&diagnostic, &db, false));
    }
    out
}

fn rule_index(src: &str) -> Vec<RuleInfo> {
    let parse = krl_syntax::parse_ruleset(FileId(0), src);
    parse
        .ruleset
        .rules
        .iter()
        .filter_map(|item| match item {
            krl_syntax::ast::RuleItem::Rule(rule) if rule.is_active() => Some(rule),
            _ => None,
        })
        .map(|rule| {
            let (line, col) = line_col(src, rule.span.start as usize);
            let postlude = rule.postlude.as_ref();
            RuleInfo {
                name: rule.name.name.to_string(),
                line,
                col,
                has_fired: postlude.and_then(|p| p.fired()).is_some(),
                has_notfired: postlude.and_then(|p| p.notfired()).is_some(),
                has_always: postlude.and_then(|p| p.always()).is_some(),
            }
        })
        .collect()
}

/// Compiles nothing: every ruleset was compiled when the library loaded.
struct CachedBackend {
    by_url: HashMap<String, Arc<Ruleset>>,
}

impl Backend for CachedBackend {
    fn compile(&self, url: &str, src: &str) -> Result<Arc<dyn CompiledRuleset>, CompileError> {
        match self.by_url.get(url) {
            Some(ruleset) if ruleset.src == src => ruleset.compiled.clone().map_err(|message| CompileError {
                message,
                diagnostics: Vec::new(),
            }),
            // Not a file of this run (or changed since): compile it the ordinary way.
            _ => krl_jit::InterpreterBackend.compile(url, src),
        }
    }
}
