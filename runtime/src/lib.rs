//! The KRL runtime: values, the standard library, picos, storage and the HTTP API. Never depends on krl-syntax.
//!
//! ```
//! use krl_runtime::host::TestHost;
//! use krl_runtime::stdlib;
//! use krl_runtime::value::Value;
//!
//! let mut host = TestHost::new();
//! let append = stdlib::lookup("append").expect("append is a stdlib operator");
//! let list = Value::array(vec![1.into(), 2.into()]);
//! let out = append.invoke(&mut host, &[list, 3.into()]).expect("append never fails");
//! assert_eq!(out.encode(0).as_deref(), Some("[1,2,3]"));
//! ```

pub mod args;
pub mod engine;
pub mod error;
pub mod exec;
pub mod host;
#[cfg(feature = "http")]
pub mod http;
pub mod limits;
pub mod stdlib;
pub mod storage;
pub mod value;

pub use error::{ErrorLocation, ErrorName, RuntimeError};
pub use exec::ExecState;
pub use host::{Host, LogLevel, TestHost};
pub use value::{Callable, KrlType, Map, Regex, Value};
