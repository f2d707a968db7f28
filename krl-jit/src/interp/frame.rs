//! Runtime frames: single-assignment slots and a link to the enclosing frame.

use std::sync::{Arc, OnceLock};

use krl_runtime::{RuntimeError, Value};

/// How many slots live inside the frame's own allocation; larger frames use a second one.
/// Most function frames (parameters plus a few declarations) fit.
const INLINE_SLOTS: usize = 4;

#[derive(Debug)]
enum Slots {
    Inline {
        len: u8,
        cells: [OnceLock<Value>; INLINE_SLOTS],
    },
    Heap(Box<[OnceLock<Value>]>),
}

/// The slots of one scope instance. Closures keep their defining frame alive through `Arc`.
#[derive(Debug)]
pub struct Frame {
    slots: Slots,
    parent: Option<Arc<Frame>>,
}

impl Frame {
    pub fn new(n_slots: u16, parent: Option<Arc<Frame>>) -> Arc<Frame> {
        let slots = if usize::from(n_slots) <= INLINE_SLOTS {
            Slots::Inline {
                len: n_slots as u8,
                cells: [const { OnceLock::new() }; INLINE_SLOTS],
            }
        } else {
            Slots::Heap((0..n_slots).map(|_| OnceLock::new()).collect())
        };
        Arc::new(Frame { slots, parent })
    }

    fn cells(&self) -> &[OnceLock<Value>] {
        match &self.slots {
            Slots::Inline { len, cells } => &cells[..usize::from(*len)],
            Slots::Heap(cells) => cells,
        }
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
        self.cells()
            .get(slot as usize)
            .and_then(OnceLock::get)
            .ok_or_else(|| uninitialized(name))
    }

    /// Writes a slot once; a second write (a re-run declaration) keeps the first value.
    pub fn set(&self, slot: u16, value: Value) {
        if let Some(cell) = self.cells().get(slot as usize) {
            let _ = cell.set(value);
        }
    }

    pub fn len(&self) -> usize {
        self.cells().len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells().is_empty()
    }
}

#[cold]
fn uninitialized(name: &str) -> RuntimeError {
    RuntimeError::new(
        krl_runtime::ErrorName::ReferenceError,
        format!("Cannot access '{name}' before initialization"),
    )
}
