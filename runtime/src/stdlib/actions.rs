//! The built-in actions: `noop` (an action-function) and `send_directive`.

use super::{OperatorFn, arg};

pub(super) const IMPLEMENTATIONS: &[(&str, OperatorFn)] = &[
    ("noop", |_, _| Ok(crate::value::Value::Null)),
    ("send_directive", |host, a| {
        host.add_directive(arg(a, 0).clone(), arg(a, 1).clone())
    }),
];
