//! The KRL runtime: values, the standard library, picos, storage and the HTTP API. Never depends on krl-syntax.
