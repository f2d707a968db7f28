//! The built-in actions: `noop` (an action-function) and `send_directive`.

use super::{Operator, OperatorKind, arg};

pub(super) const OPERATORS: &[Operator] = &[
    Operator {
        name: "noop",
        params: &[],
        kind: OperatorKind::ActionFunction,
        call: |_, _| Ok(crate::value::Value::Null),
    },
    Operator {
        name: "send_directive",
        params: &["name", "options"],
        kind: OperatorKind::Action,
        call: |host, a| host.add_directive(arg(a, 0).clone(), arg(a, 1).clone()),
    },
];
