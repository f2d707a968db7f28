//! Runtime frames: single-assignment slots and a link to the enclosing frame.

use std::sync::{Arc, OnceLock};

use krl_runtime::{RuntimeError, Value};

/// The slots of one scope instance. Closures keep their defining frame alive through `Arc`.
#[derive(Debug)]
pub struct Frame {
    slots: Box<[OnceLock<Value>]>,
    parent: Option<Arc<Frame>>,
}

impl Frame {
    pub fn new(n_slots: u16, parent: Option<Arc<Frame>>) -> Arc<Frame> {
        Arc::new(Frame {
            slots: (0..n_slots).map(|_| OnceLock::new()).collect(),
            parent,
        })
    }

    /// The frame `depth` links up.
    pub fn ancestor(self: &Arc<Frame>, depth: u16) -> &Arc<Frame> {
        let mut frame = self;
        for _ in 0..depth {
            frame = frame
                .parent
                .as_ref()
                .expect("lowering resolved this depth against the same scopes");
        }
        frame
    }

    /// Reads a slot; an unwritten slot is a binding used before its declaration ran.
    pub fn get(&self, slot: u16, name: &str) -> Result<&Value, RuntimeError> {
        self.slots
            .get(slot as usize)
            .and_then(OnceLock::get)
            .ok_or_else(|| uninitialized(name))
    }

    /// Writes a slot once; a second write (a re-run declaration) keeps the first value.
    pub fn set(&self, slot: u16, value: Value) {
        if let Some(cell) = self.slots.get(slot as usize) {
            let _ = cell.set(value);
        }
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}

#[cold]
fn uninitialized(name: &str) -> RuntimeError {
    RuntimeError::new(
        krl_runtime::ErrorName::ReferenceError,
        format!("Cannot access '{name}' before initialization"),
    )
}
