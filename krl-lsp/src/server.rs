//! The tower-lsp server: the document store (STYLE.md §4) and the glue from LSP requests to
//! the handler functions.
//!
//! The store changes only in `did_open`/`did_change`/`did_close`, with no `.await` between
//! reading and writing it. Each version is analysed in full (full text sync); an analysis for
//! a version older than the stored one is dropped, and diagnostics are published with their
//! version only while it is still the current one. `last_good` keeps the latest version
//! without syntax errors, so navigation and the outline survive typing.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use tower_lsp::jsonrpc::{Error, Result};
use tower_lsp::lsp_types::*;
use tower_lsp::{Client, LanguageServer, LspService};

use crate::analysis::Analysis;
use crate::exit::EndProcessOnExit;
use crate::handlers;
use crate::workspace::{self, Workspace};

/// How many `.krl` files a workspace scan reads at most.
const SCAN_LIMIT: usize = 5_000;

struct Document {
    version: i32,
    analysis: Arc<Analysis>,
    last_good: Option<Arc<Analysis>>,
}

#[derive(Default)]
struct State {
    /// Open documents, keyed by URI.
    open: HashMap<Url, Document>,
    /// Files read from disk: the workspace scan and used modules.
    disk: HashMap<Url, Arc<Analysis>>,
    roots: Vec<PathBuf>,
}

pub(crate) struct Server {
    client: Client,
    state: Mutex<State>,
}

/// Builds the service with the custom requests registered.
pub(crate) fn service() -> (LspService<Server>, tower_lsp::ClientSocket) {
    LspService::build(|client| Server {
        client,
        state: Mutex::new(State::default()),
    })
    .custom_method(handlers::event_targets::METHOD, Server::event_targets)
    .custom_method(handlers::event_sources::METHOD, Server::event_sources)
    .finish()
}

/// Serves LSP over the given streams until the client exits.
pub async fn serve<I, O>(input: I, output: O)
where
    I: tokio::io::AsyncRead + Unpin,
    O: tokio::io::AsyncWrite,
{
    let (service, socket) = service();
    tower_lsp::Server::new(input, output, socket).serve(service).await;
}

/// `krl lsp`: serves LSP over stdin and stdout; the process ends on `exit` (see [`crate::exit`]).
pub fn run_stdio() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let (service, socket) = service();
        let service = EndProcessOnExit::new(service);
        tower_lsp::Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
            .serve(service)
            .await;
    });
    // Reached only when stdin ends without `exit`. Tokio reads stdin on a blocking thread;
    // do not wait for it.
    runtime.shutdown_background();
    Ok(())
}

fn read_analysis(path: &std::path::Path) -> Option<(Url, Arc<Analysis>)> {
    let text = std::fs::read_to_string(path).ok()?;
    let uri = Url::from_file_path(path).ok()?;
    Some((uri.clone(), Arc::new(Analysis::new(uri, 0, text))))
}

impl Server {
    fn state(&self) -> MutexGuard<'_, State> {
        // A handler that panicked while holding the lock leaves the store as it was before
        // its change; keep serving rather than failing every later request.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Stores a new version unless a newer one is already there; returns whether it was stored.
    fn store(&self, analysis: Arc<Analysis>) -> bool {
        let mut state = self.state();
        let uri = analysis.uri.clone();
        let previous_good = match state.open.get(&uri) {
            Some(doc) if doc.version >= analysis.version => return false,
            Some(doc) => doc.last_good.clone(),
            None => None,
        };
        let last_good = if analysis.has_syntax_errors() {
            previous_good
        } else {
            Some(analysis.clone())
        };
        state.open.insert(
            uri,
            Document {
                version: analysis.version,
                analysis,
                last_good,
            },
        );
        true
    }

    fn is_current(&self, uri: &Url, version: i32) -> bool {
        self.state()
            .open
            .get(uri)
            .is_some_and(|doc| doc.version == version)
    }

    async fn update(&self, uri: Url, version: i32, text: String) {
        let started = std::time::Instant::now();
        // Analysing a large file takes long enough to hold up reading the next messages
        // (tower-lsp polls handlers on the task that reads stdin), so it runs on a blocking
        // thread; an `exit` then ends the process without waiting for it.
        let for_analysis = uri.clone();
        let Ok(analysis) =
            tokio::task::spawn_blocking(move || Arc::new(Analysis::new(for_analysis, version, text))).await
        else {
            return;
        };
        if !self.store(analysis.clone()) {
            return;
        }
        self.load_modules(&analysis);
        let diagnostics = handlers::diagnostics::diagnostics(&analysis);
        if self.is_current(&uri, version) {
            self.client
                .publish_diagnostics(uri, diagnostics, Some(version))
                .await;
        }
        if std::env::var_os("KRL_LSP_TRACE").is_some() {
            eprintln!("krl lsp: analysed version {version} in {:?}", started.elapsed());
        }
    }

    /// Reads the files of modules that `analysis` uses, when they sit next to it on disk.
    fn load_modules(&self, analysis: &Analysis) {
        for path in workspace::used_module_paths(analysis) {
            let Ok(uri) = Url::from_file_path(&path) else {
                continue;
            };
            let known = {
                let state = self.state();
                state.open.contains_key(&uri) || state.disk.contains_key(&uri)
            };
            if !known && let Some((uri, module)) = read_analysis(&path) {
                self.state().disk.insert(uri, module);
            }
        }
    }

    /// The current analysis of a document and its last good one.
    fn analyses(&self, uri: &Url) -> Option<(Arc<Analysis>, Option<Arc<Analysis>>)> {
        let state = self.state();
        if let Some(doc) = state.open.get(uri) {
            return Some((doc.analysis.clone(), doc.last_good.clone()));
        }
        state.disk.get(uri).map(|analysis| (analysis.clone(), None))
    }

    /// Runs a position-based handler on the current version, then on the last good one when
    /// the current version has syntax errors and found nothing.
    fn navigate<T>(&self, uri: &Url, f: impl Fn(&Analysis) -> Option<T>) -> Option<T> {
        let (current, last_good) = self.analyses(uri)?;
        f(&current).or_else(|| {
            let good = last_good.filter(|_| current.has_syntax_errors())?;
            f(&good)
        })
    }

    fn workspace(&self) -> Workspace {
        let state = self.state();
        let mut files: Vec<_> = state.open.values().map(|doc| doc.analysis.clone()).collect();
        files.extend(state.disk.values().cloned());
        Workspace::new(files)
    }

    async fn event_targets(&self, params: TextDocumentPositionParams) -> Result<Vec<Location>> {
        let workspace = self.workspace();
        let uri = params.text_document.uri;
        Ok(self
            .navigate(&uri, |a| {
                let found = handlers::event_targets::event_targets(a, &workspace, params.position);
                (!found.is_empty()).then_some(found)
            })
            .unwrap_or_default())
    }

    async fn event_sources(&self, params: TextDocumentPositionParams) -> Result<Vec<Location>> {
        let workspace = self.workspace();
        let uri = params.text_document.uri;
        Ok(self
            .navigate(&uri, |a| {
                let found = handlers::event_sources::event_sources(a, &workspace, params.position);
                (!found.is_empty()).then_some(found)
            })
            .unwrap_or_default())
    }
}

fn server_capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".into(), ":".into()]),
            ..CompletionOptions::default()
        }),
        signature_help_provider: Some(SignatureHelpOptions {
            trigger_characters: Some(vec!["(".into(), ",".into()]),
            retrigger_characters: None,
            work_done_progress_options: WorkDoneProgressOptions::default(),
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        selection_range_provider: Some(SelectionRangeProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        document_formatting_provider: Some(OneOf::Left(true)),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: handlers::semantic_tokens::legend(),
                full: Some(SemanticTokensFullOptions::Bool(true)),
                range: None,
                work_done_progress_options: WorkDoneProgressOptions::default(),
            },
        )),
        experimental: Some(serde_json::json!({
            "eventTargets": handlers::event_targets::METHOD,
            "eventSources": handlers::event_sources::METHOD,
        })),
        ..ServerCapabilities::default()
    }
}

#[tower_lsp::async_trait]
impl LanguageServer for Server {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let mut roots: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|folder| folder.uri.to_file_path().ok())
            .collect();
        #[allow(deprecated)] // older clients send only `rootUri`
        if roots.is_empty()
            && let Some(root) = params.root_uri.and_then(|uri| uri.to_file_path().ok())
        {
            roots.push(root);
        }
        self.state().roots = roots;
        Ok(InitializeResult {
            capabilities: server_capabilities(),
            server_info: Some(ServerInfo {
                name: "krl lsp".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let roots = self.state().roots.clone();
        let scanned = tokio::task::spawn_blocking(move || {
            roots
                .iter()
                .flat_map(|root| workspace::find_krl_files(root, SCAN_LIMIT))
                .filter_map(|path| read_analysis(&path))
                .collect::<Vec<_>>()
        })
        .await
        .unwrap_or_default();
        let mut state = self.state();
        for (uri, analysis) in scanned {
            state.disk.entry(uri).or_insert(analysis);
        }
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        self.update(doc.uri, doc.version, doc.text).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        // Full sync: the last change holds the whole text.
        let Some(change) = params.content_changes.into_iter().last() else {
            return;
        };
        let doc = params.text_document;
        self.update(doc.uri, doc.version, change.text).await;
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let from_disk = uri.to_file_path().ok().and_then(|path| read_analysis(&path));
        {
            let mut state = self.state();
            state.open.remove(&uri);
            if let Some((uri, analysis)) = from_disk {
                state.disk.insert(uri, analysis);
            }
        }
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        let workspace = self.workspace();
        Ok(self.navigate(&at.text_document.uri, |a| {
            handlers::hover::hover_in(a, &workspace, at.position)
        }))
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        let workspace = self.workspace();
        Ok(self.navigate(&at.text_document.uri, |a| {
            handlers::definition::definition(a, &workspace, at.position)
        }))
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let at = params.text_document_position;
        let include = params.context.include_declaration;
        Ok(self.navigate(&at.text_document.uri, |a| {
            let found = handlers::references::references(a, at.position, include);
            (!found.is_empty()).then_some(found)
        }))
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let Some((current, _)) = self.analyses(&params.text_document.uri) else {
            return Ok(None);
        };
        handlers::rename::prepare_rename(&current, params.position)
            .map(Some)
            .map_err(Error::invalid_params)
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let at = params.text_document_position;
        let Some((current, _)) = self.analyses(&at.text_document.uri) else {
            return Ok(None);
        };
        if current.has_syntax_errors() {
            return Err(Error::invalid_params("fix the syntax errors before renaming"));
        }
        handlers::rename::rename(&current, at.position, &params.new_name)
            .map(Some)
            .map_err(Error::invalid_params)
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let at = params.text_document_position;
        let workspace = self.workspace();
        let Some((current, last_good)) = self.analyses(&at.text_document.uri) else {
            return Ok(None);
        };
        Ok(handlers::completion::completion_with_fallback(
            &current,
            last_good.as_deref(),
            &workspace,
            at.position,
        ))
    }

    async fn signature_help(&self, params: SignatureHelpParams) -> Result<Option<SignatureHelp>> {
        let at = params.text_document_position_params;
        let Some((current, _)) = self.analyses(&at.text_document.uri) else {
            return Ok(None);
        };
        let workspace = self.workspace();
        Ok(handlers::signature_help::signature_help_in(
            &current,
            &workspace,
            at.position,
        ))
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        let Some((current, last_good)) = self.analyses(&params.text_document.uri) else {
            return Ok(None);
        };
        // While the text does not parse, keep the outline of the last version that did if it
        // knew more rules.
        let n_rules = |a: &Analysis| a.ruleset().rules().count();
        let analysis = match last_good {
            Some(good) if current.has_syntax_errors() && n_rules(&good) > n_rules(&current) => good,
            _ => current,
        };
        Ok(Some(DocumentSymbolResponse::Nested(
            handlers::document_symbol::document_symbols(&analysis),
        )))
    }

    async fn symbol(&self, params: WorkspaceSymbolParams) -> Result<Option<Vec<SymbolInformation>>> {
        Ok(Some(handlers::workspace_symbol::workspace_symbols(
            &self.workspace(),
            &params.query,
        )))
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        let Some((current, _)) = self.analyses(&params.text_document.uri) else {
            return Ok(None);
        };
        Ok(Some(handlers::folding_range::folding_ranges(&current)))
    }

    async fn selection_range(&self, params: SelectionRangeParams) -> Result<Option<Vec<SelectionRange>>> {
        let Some((current, _)) = self.analyses(&params.text_document.uri) else {
            return Ok(None);
        };
        Ok(Some(handlers::selection_range::selection_ranges(
            &current,
            &params.positions,
        )))
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        let Some((current, _)) = self.analyses(&params.text_document.uri) else {
            return Ok(None);
        };
        Ok(Some(SemanticTokensResult::Tokens(
            handlers::semantic_tokens::semantic_tokens(&current),
        )))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let Some((current, _)) = self.analyses(&params.text_document.uri) else {
            return Ok(None);
        };
        Ok(Some(handlers::code_action::code_actions(
            &current,
            params.range,
            &params.context.diagnostics,
        )))
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let Some((current, _)) = self.analyses(&params.text_document.uri) else {
            return Ok(None);
        };
        Ok(handlers::formatting::formatting(&current))
    }
}
