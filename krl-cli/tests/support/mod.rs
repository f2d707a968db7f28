//! Shared code of the integration tests.

pub mod lsp_client;
