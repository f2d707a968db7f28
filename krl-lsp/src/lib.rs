//! The KRL language server: the only crate that knows LSP types (issue #8).
