//! Conformance cases live in `cases/`; the harnesses are the integration tests in `tests/`.
