//! What the handlers may know beyond one document: every open document and every `.krl`
//! file found under the workspace folders, each as its latest [`Analysis`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use krl_syntax::ast::MetaPropKind;
use tower_lsp::lsp_types::Url;

use crate::analysis::Analysis;

/// A snapshot of the workspace for one request. Open documents come first and win over the
/// copy read from disk.
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    pub files: Vec<Arc<Analysis>>,
}

impl Workspace {
    pub fn new(files: Vec<Arc<Analysis>>) -> Workspace {
        let mut seen = std::collections::HashSet::new();
        let files = files
            .into_iter()
            .filter(|file| seen.insert(file.uri.clone()))
            .collect();
        Workspace { files }
    }

    /// A workspace of just these documents, as tests build them.
    pub fn of(files: &[Arc<Analysis>]) -> Workspace {
        Workspace::new(files.to_vec())
    }

    pub fn get(&self, uri: &Url) -> Option<&Arc<Analysis>> {
        self.files.iter().find(|file| &file.uri == uri)
    }

    /// The file of the module `rid` used from `from`: `<rid>.krl` next to `from`, else any known
    /// file whose ruleset id is `rid`.
    pub fn module(&self, from: &Analysis, rid: &str) -> Option<&Arc<Analysis>> {
        let sibling = module_path(from, rid).and_then(|path| Url::from_file_path(path).ok());
        sibling
            .and_then(|uri| self.get(&uri))
            .or_else(|| self.files.iter().find(|file| file.ruleset().rid.name == rid))
    }
}

/// Where the module `rid` used by `from` would live: `<rid>.krl` in the same folder.
pub fn module_path(from: &Analysis, rid: &str) -> Option<PathBuf> {
    Some(from.path()?.parent()?.join(format!("{rid}.krl")))
}

/// The module files that `analysis` uses, as paths next to it (whether they exist or not).
pub fn used_module_paths(analysis: &Analysis) -> Vec<PathBuf> {
    let Some(meta) = &analysis.ruleset().meta else {
        return Vec::new();
    };
    meta.props()
        .filter_map(|prop| match &prop.kind {
            MetaPropKind::Use { rid, .. } => module_path(analysis, &rid.name),
            _ => None,
        })
        .collect()
}

/// Every `.krl` file under `root`, skipping hidden folders, `target` and `node_modules`;
/// at most `limit` files.
pub fn find_krl_files(root: &Path, limit: usize) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if path.is_dir() {
                if !name.starts_with('.') && name != "target" && name != "node_modules" {
                    stack.push(path);
                }
            } else if name.ends_with(".krl") {
                out.push(path);
                if out.len() >= limit {
                    return out;
                }
            }
        }
    }
    out.sort();
    out
}
