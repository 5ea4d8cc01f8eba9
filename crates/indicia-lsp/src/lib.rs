//! The indicia language server: `indicia lsp` speaks the Language Server Protocol over standard
//! input and output.
//!
//! Built on `lsp-server` and `lsp-types`, rust-analyzer's own crates: a synchronous loop over a
//! channel of messages, no async runtime. A rule pack is small and checking it takes
//! milliseconds, so every change re-checks the whole pack on the loop's thread; that analysis is
//! kept until the next change, and every request until then is answered from it.
//!
//! | request or notification | answer |
//! |---|---|
//! | `didOpen`, `didChange`, `didSave`, `didClose` | `publishDiagnostics` for every file of the pack: the diagnostics of `indicia check`, related places included |
//! | `hover` | a fact's fields and types, a field's type, a define's or const's text, a param's default (and its value in a test), an indicator's title, category, severity, weight and refs; plus the comment above the declaration |
//! | `definition`, `references` | facts, fields, defines, consts, params, categories and indicator ids, across the pack's files |
//! | `completion` | fact kinds after a quantifier, a binder's fields after `B.`, categories after `category:`, else the fields of the kind in scope, defines, consts, params and keywords |
//! | `documentSymbol` | each declaration; a fact with its fields |
//! | `formatting` | the canonical form of `indicia fmt` (nothing when the file does not parse) |
//! | `prepareRename`, `rename` | defines, consts and params, in every file of the pack |
//!
//! Positions are UTF-16 code units (the protocol's default). Documents are synchronised in full.
//! `workspace` says which pack a file belongs to and how far the server looks for its files (a
//! walk cut short at a limit is shown once, as a `window/showMessage` warning). `transport` frames the
//! messages on standard input and output, refusing one larger than [`max_message`].

mod features;
mod index;
mod position;
mod transport;
mod uri;
mod workspace;

use std::collections::HashSet;
use std::error::Error;
use std::path::{Path, PathBuf};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument, Notification as _,
    PublishDiagnostics, ShowMessage,
};
use lsp_types::request::{
    Completion, DocumentSymbolRequest, Formatting, GotoDefinition, HoverRequest, PrepareRenameRequest, References,
    Rename, Request as _,
};
use lsp_types::{
    CompletionOptions, CompletionResponse, DocumentSymbolResponse, GotoDefinitionResponse, InitializeParams,
    MessageType, OneOf, PrepareRenameResponse, PublishDiagnosticsParams, RenameOptions, ServerCapabilities, ServerInfo,
    ShowMessageParams, TextDocumentPositionParams, TextDocumentSyncCapability, TextDocumentSyncKind, Uri,
};

use workspace::{Analysis, Workspace};

/// Why the server stopped before the client asked it to.
pub type ServerError = Box<dyn Error + Send + Sync>;

pub use transport::{MAX_HEADER_LINE, max_message, read_message, run_stdio};
pub use uri::encode_path;

/// What the server can do, as announced to the client.
fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(lsp_types::HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".to_string()]),
            ..CompletionOptions::default()
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        ..ServerCapabilities::default()
    }
}

/// Runs the server on `connection`: the initialize handshake, then every message until
/// `shutdown` (answered) and `exit`.
pub fn run(connection: &Connection) -> Result<(), ServerError> {
    let info = ServerInfo { name: "indicia".to_string(), version: Some(env!("CARGO_PKG_VERSION").to_string()) };
    let (id, params) = connection.initialize_start()?;
    let init = serde_json::json!({ "capabilities": capabilities(), "serverInfo": info });
    connection.initialize_finish(id, init)?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let mut server = Server {
        workspace: Workspace::new(root_of(&params)),
        out: Vec::new(),
        flagged: HashSet::new(),
        shown: HashSet::new(),
    };
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request)? {
                    return Ok(());
                }
                let response = server.request(request);
                connection.sender.send(response.into())?;
            }
            Message::Notification(notification) => server.notification(notification),
            Message::Response(_) => {}
        }
        for message in server.out.drain(..) {
            connection.sender.send(message)?;
        }
    }
    Ok(())
}

/// The workspace folder the client opened: the first of `workspaceFolders`, else `rootUri`.
fn root_of(params: &InitializeParams) -> Option<PathBuf> {
    let folder = params.workspace_folders.as_ref().and_then(|f| f.first()).map(|f| &f.uri);
    #[allow(deprecated, reason = "older clients send only rootUri")]
    let root = folder.or(params.root_uri.as_ref());
    root.and_then(uri::to_path)
}

struct Server {
    workspace: Workspace,
    /// Notifications to send after the current message.
    out: Vec<Message>,
    /// The files whose last published diagnostics were not empty.
    flagged: HashSet<PathBuf>,
    /// The messages about cut walks already shown.
    shown: HashSet<String>,
}

/// A request's answer or its error.
type Answer = Result<serde_json::Value, (ErrorCode, String)>;

fn to_value(value: impl serde::Serialize) -> Answer {
    serde_json::to_value(value).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}

fn params<P: serde::de::DeserializeOwned>(request: &Request) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(request.params.clone()).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

impl Server {
    fn request(&mut self, request: Request) -> Response {
        let answer = self.answer(&request);
        match answer {
            Ok(value) => Response::new_ok(request.id, value),
            Err((code, message)) => Response::new_err(request.id, code as i32, message),
        }
    }

    fn answer(&mut self, request: &Request) -> Answer {
        match request.method.as_str() {
            HoverRequest::METHOD => {
                let p: lsp_types::HoverParams = params(request)?;
                self.at(&p.text_document_position_params, features::hover).map_or(Ok(serde_json::Value::Null), to_value)
            }
            GotoDefinition::METHOD => {
                let p: lsp_types::GotoDefinitionParams = params(request)?;
                let found = self.at(&p.text_document_position_params, features::definition);
                found.map(GotoDefinitionResponse::Scalar).map_or(Ok(serde_json::Value::Null), to_value)
            }
            References::METHOD => {
                let p: lsp_types::ReferenceParams = params(request)?;
                let declaration = p.context.include_declaration;
                let found =
                    self.at(&p.text_document_position, |a, f, o| Some(features::references(a, f, o, declaration)));
                to_value(found.unwrap_or_default())
            }
            Completion::METHOD => {
                let p: lsp_types::CompletionParams = params(request)?;
                let found = self.at(&p.text_document_position, |a, f, o| Some(features::completion(a, f, o)));
                to_value(CompletionResponse::Array(found.unwrap_or_default()))
            }
            DocumentSymbolRequest::METHOD => {
                let p: lsp_types::DocumentSymbolParams = params(request)?;
                let found = self.with_file(&p.text_document.uri, features::document_symbols);
                to_value(DocumentSymbolResponse::Nested(found.unwrap_or_default()))
            }
            Formatting::METHOD => {
                let p: lsp_types::DocumentFormattingParams = params(request)?;
                let text = uri::to_path(&p.text_document.uri).and_then(|path| self.text(&path));
                to_value(text.map(|t| features::formatting(&t)).unwrap_or_default())
            }
            PrepareRenameRequest::METHOD => {
                let p: TextDocumentPositionParams = params(request)?;
                let found = self.at(&p, |a, f, o| {
                    let (_, span) = features::renameable(a, f, o).ok()?;
                    let source = a.sources.get(span.file)?;
                    Some(PrepareRenameResponse::Range(position::range(source, span)))
                });
                found.map_or(Ok(serde_json::Value::Null), to_value)
            }
            Rename::METHOD => {
                let p: lsp_types::RenameParams = params(request)?;
                let name = p.new_name.clone();
                let found = self.at(&p.text_document_position, |a, f, o| Some(features::rename(a, f, o, &name)));
                match found {
                    Some(Ok(edit)) => to_value(edit),
                    Some(Err(message)) => Err((ErrorCode::InvalidRequest, message)),
                    None => Err((ErrorCode::InvalidRequest, "no name to rename here".to_string())),
                }
            }
            other => Err((ErrorCode::MethodNotFound, format!("unsupported request `{other}`"))),
        }
    }

    /// The text of `path`: the editor's, else the disk's.
    fn text(&self, path: &Path) -> Option<String> {
        match self.workspace.text(path) {
            Some(text) => Some(text.to_string()),
            None => indicia::limits::RULE_FILE.read_file(path).ok().map(|b| String::from_utf8_lossy(&b).into_owned()),
        }
    }

    /// Runs `f` on the analysis of the pack of the document `uri` and the document's file id.
    fn with_file<T>(&mut self, uri: &Uri, f: impl FnOnce(&Analysis, indicia_syntax::FileId) -> T) -> Option<T> {
        let path = uri::to_path(uri)?;
        let analysis = self.workspace.analysis(&path);
        let file = analysis.file_id(&path)?;
        Some(f(analysis, file))
    }

    /// [`Server::with_file`] at a position of the document.
    fn at<T>(
        &mut self,
        at: &TextDocumentPositionParams,
        f: impl FnOnce(&Analysis, indicia_syntax::FileId, usize) -> Option<T>,
    ) -> Option<T> {
        self.with_file(&at.text_document.uri, |analysis, file| {
            let text = analysis.sources.get(file).map(|s| s.text.clone())?;
            f(analysis, file, position::offset(&text, at.position))
        })
        .flatten()
    }

    fn notification(&mut self, notification: Notification) {
        let changed = match notification.method.as_str() {
            DidOpenTextDocument::METHOD => notification
                .extract::<lsp_types::DidOpenTextDocumentParams>(DidOpenTextDocument::METHOD)
                .ok()
                .and_then(|p| {
                    let path = uri::to_path(&p.text_document.uri)?;
                    self.workspace.set_text(path.clone(), p.text_document.text);
                    Some(path)
                }),
            DidChangeTextDocument::METHOD => notification
                .extract::<lsp_types::DidChangeTextDocumentParams>(DidChangeTextDocument::METHOD)
                .ok()
                .and_then(|p| {
                    let path = uri::to_path(&p.text_document.uri)?;
                    // Full synchronisation: the last change holds the whole text.
                    let text = p.content_changes.into_iter().last()?.text;
                    self.workspace.set_text(path.clone(), text);
                    Some(path)
                }),
            DidSaveTextDocument::METHOD => notification
                .extract::<lsp_types::DidSaveTextDocumentParams>(DidSaveTextDocument::METHOD)
                .ok()
                .and_then(|p| {
                    self.workspace.forget_disk();
                    uri::to_path(&p.text_document.uri)
                }),
            DidCloseTextDocument::METHOD => notification
                .extract::<lsp_types::DidCloseTextDocumentParams>(DidCloseTextDocument::METHOD)
                .ok()
                .and_then(|p| {
                    let path = uri::to_path(&p.text_document.uri)?;
                    self.workspace.close(&path);
                    Some(path)
                }),
            _ => None,
        };
        if let Some(path) = changed {
            self.publish(&path);
        }
    }

    /// Publishes the diagnostics of the files of the pack `path` belongs to: every file that
    /// has some, every file that had some, and `path` itself.
    fn publish(&mut self, path: &Path) {
        let analysis = self.workspace.analysis(path);
        if let Some(cut) = analysis.cut.as_ref().filter(|cut| !self.shown.contains(*cut)) {
            self.shown.insert(cut.clone());
            let params = ShowMessageParams { typ: MessageType::WARNING, message: format!("indicia: {cut}") };
            self.out.push(Message::Notification(Notification::new(ShowMessage::METHOD.to_string(), params)));
        }
        for (id, file) in analysis.sources.iter() {
            let file_path = PathBuf::from(&file.name);
            let diagnostics = features::diagnostics(analysis, id);
            let now = !diagnostics.is_empty();
            let before = if now { !self.flagged.insert(file_path.clone()) } else { self.flagged.remove(&file_path) };
            if !(now || before || file_path == path) {
                continue;
            }
            let Some(uri) = uri::from_path(&file_path) else { continue };
            let params = PublishDiagnosticsParams { uri, diagnostics, version: None };
            self.out.push(Message::Notification(Notification::new(PublishDiagnostics::METHOD.to_string(), params)));
        }
    }
}
