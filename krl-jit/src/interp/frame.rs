//! Runtime frames: single-assignment slots and a link to the enclosing frame.
//!
//! The one module of the interpreter with unsafe code: a slot is a write-once cell cheaper
//! than `OnceLock` on the hot path. Each unsafe block says why it is sound.

#![allow(unsafe_code)]

use std::cell::UnsafeCell;
use std::mem::MaybeUninit;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use krl_runtime::{RuntimeError, Value};

const EMPTY: u8 = 0;
const WRITING: u8 = 1;
const READY: u8 = 2;

/// A write-once cell: like `OnceLock`, without its closure machinery on the hot path.
struct Slot {
    state: AtomicU8,
    value: UnsafeCell<MaybeUninit<Value>>,
}

// SAFETY: the value is written once, by the thread that wins the EMPTY -> WRITING exchange,
// and read only after READY is published with release ordering; `Value` is Send + Sync.
unsafe impl Sync for Slot {}

impl Slot {
    const fn new() -> Slot {
        Slot {
            state: AtomicU8::new(EMPTY),
            value: UnsafeCell::new(MaybeUninit::uninit()),
        }
    }

    #[inline]
    fn get(&self) -> Option<&Value> {
        if self.state.load(Ordering::Acquire) == READY {
            // SAFETY: READY is stored only after the value was written, and never undone.
            Some(unsafe { (*self.value.get()).assume_init_ref() })
        } else {
            None
        }
    }

    #[inline]
    fn set(&self, value: Value) {
        if self
            .state
            .compare_exchange(EMPTY, WRITING, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
        {
            // SAFETY: winning the exchange gives this thread the only access to the value.
            unsafe { (*self.value.get()).write(value) };
            self.state.store(READY, Ordering::Release);
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if *self.state.get_mut() == READY {
            // SAFETY: READY means the value was initialised; it is dropped once, here.
            unsafe { self.value.get_mut().assume_init_drop() };
        }
    }
}

impl std::fmt::Debug for Slot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.get() {
            Some(value) => write!(f, "{value:?}"),
            None => f.write_str("<unset>"),
        }
    }
}

/// How many slots live inside the frame's own allocation; larger frames use a second one.
/// Most function frames (parameters plus a few declarations) fit.
const INLINE_SLOTS: usize = 4;

#[derive(Debug)]
enum Slots {
    Inline { len: u8, cells: [Slot; INLINE_SLOTS] },
    Heap(Box<[Slot]>),
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
                cells: [const { Slot::new() }; INLINE_SLOTS],
            }
        } else {
            Slots::Heap((0..n_slots).map(|_| Slot::new()).collect())
        };
        Arc::new(Frame { slots, parent })
    }

    fn cells(&self) -> &[Slot] {
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
            .and_then(Slot::get)
            .ok_or_else(|| uninitialized(name))
    }

    /// Whether a slot has been written.
    pub fn is_set(&self, slot: u16) -> bool {
        self.cells()
            .get(slot as usize)
            .is_some_and(|cell| cell.get().is_some())
    }

    /// Writes a slot once; a second write (a re-run declaration) keeps the first value.
    pub fn set(&self, slot: u16, value: Value) {
        if let Some(cell) = self.cells().get(slot as usize) {
            cell.set(value);
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
