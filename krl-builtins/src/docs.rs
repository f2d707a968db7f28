//! `docs/stdlib.md`, generated from the table: one section per library with a row per
//! operator, then one section per built-in module with a row per member. The test
//! `krl-builtins/tests/docs.rs` fails when the committed file differs; regenerate it with
//! `UPDATE_DOCS=1 cargo test -p krl-builtins --test docs`.

use std::fmt::Write as _;

use crate::{Builtin, Kind, LIBRARIES, MODULES};

/// The whole of `docs/stdlib.md`.
pub fn stdlib_markdown() -> String {
    let mut out = String::from(
        "# KRL standard library\n\
         \n\
         <!-- Generated from krl-builtins/src/ by `UPDATE_DOCS=1 cargo test -p krl-builtins --test docs`; do not edit. -->\n\
         \n\
         Every operator of the KRL standard library, grouped by library (one Rust file each in\n\
         `runtime/src/stdlib/`), then the members of the built-in modules. `x.op(a, b)` is the\n\
         same call as `op(x, a, b)`; named arguments use the parameter names listed here\n\
         (`x.put(path = [\"a\"], toSet = 1)`). Results and error texts match pico-engine's\n\
         `krl-stdlib`, quirks included; `runtime/tests/` pins each one. `krl check` reports calls\n\
         with fewer arguments than the required ones (marked `*`) or more than all of them.\n",
    );
    for library in LIBRARIES {
        let _ = write!(out, "\n## {} (`{}.rs`)\n\n", library.title, library.file);
        out.push_str("| operator | parameters | what it does | example → result |\n");
        out.push_str("| --- | --- | --- | --- |\n");
        for op in library.operators {
            let example = match op.example {
                Some((call, result)) => format!("`{call}` → `{result}`"),
                None => String::new(),
            };
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {example} |",
                op.name,
                params_cell(op),
                kind_prefix(op.kind) + op.summary
            );
        }
    }
    out.push_str("\n# Built-in modules\n");
    for module in MODULES {
        let _ = write!(out, "\n## `{}`: {}\n\n", module.name, module.summary);
        if !module.closed {
            out.push_str(
                "The engine also answers legacy and engine-specific names here, so `krl check` does not\n\
                 report unknown members of this module.\n\n",
            );
        }
        out.push_str("| member | kind | parameters | what it does |\n");
        out.push_str("| --- | --- | --- | --- |\n");
        for member in module.members {
            let _ = writeln!(
                out,
                "| `{}:{}` | {} | {} | {} |",
                module.name,
                member.name,
                kind_word(member.kind),
                params_cell(member),
                member.summary
            );
        }
    }
    out
}

/// `val*, str = ","`: required parameters starred, defaults shown; `–` for none.
fn params_cell(builtin: &Builtin) -> String {
    if builtin.params.is_empty() {
        return "–".to_string();
    }
    let cells: Vec<String> = builtin
        .params
        .iter()
        .enumerate()
        .map(|(idx, param)| {
            let star = if idx < builtin.required { "*" } else { "" };
            match param.default {
                Some(default) => format!("{}{star} = `{default}`", param.name),
                None => format!("{}{star}", param.name),
            }
        })
        .collect();
    cells.join(", ")
}

/// Operators are functions unless the row says otherwise.
fn kind_prefix(kind: Kind) -> String {
    match kind {
        Kind::Action => "(action) ".to_string(),
        Kind::ActionFunction => "(action and function) ".to_string(),
        Kind::Function | Kind::Property => String::new(),
    }
}

fn kind_word(kind: Kind) -> &'static str {
    match kind {
        Kind::Function => "function",
        Kind::Action => "action",
        Kind::ActionFunction => "action or function",
        Kind::Property => "property",
    }
}
