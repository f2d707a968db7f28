//! Compile-time frames: one per runtime frame, mapping each declaration of the resolver's
//! name table ([`DeclId`]) to a slot. Which declaration a name means is decided once, by
//! `krl_check::resolve`; lowering only decides where each declaration lives.

use std::collections::HashMap;

use krl_check::DeclId;

/// What the compiler knows statically about a binding's value. Matches pico-engine's
/// compiler, which annotates names bound to `function`/`defaction` literals and rejects
/// calling an action as a function at compile time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StaticKind {
    #[default]
    Unknown,
    Function,
    Action,
}

#[derive(Clone, Copy, Debug)]
struct Binding {
    /// Index of the frame in the stack, outermost 0.
    level: u16,
    slot: u16,
    kind: StaticKind,
}

/// The stack of frames being lowered, innermost last.
#[derive(Debug)]
pub struct Scopes {
    sizes: Vec<u16>,
    bindings: HashMap<DeclId, Binding>,
    /// Per frame, the bindings its declarations replaced, put back when it is left: one
    /// declaration may live in two frames in turn (an event's settings in its `where` frame,
    /// then in the rule frame).
    replaced: Vec<Vec<(DeclId, Option<Binding>)>>,
}

impl Default for Scopes {
    fn default() -> Self {
        Scopes::new()
    }
}

impl Scopes {
    /// One (outermost) frame.
    pub fn new() -> Scopes {
        Scopes {
            sizes: vec![0],
            bindings: HashMap::new(),
            replaced: vec![Vec::new()],
        }
    }

    pub fn push(&mut self) {
        self.sizes.push(0);
        self.replaced.push(Vec::new());
    }

    /// Leaves the innermost frame and returns its size.
    pub fn pop(&mut self) -> u16 {
        for (id, previous) in self.replaced.pop().unwrap_or_default().into_iter().rev() {
            match previous {
                Some(binding) => self.bindings.insert(id, binding),
                None => self.bindings.remove(&id),
            };
        }
        self.sizes.pop().unwrap_or(0)
    }

    /// The size of the innermost frame so far.
    pub fn innermost_size(&self) -> u16 {
        self.sizes.last().copied().unwrap_or(0)
    }

    /// The size of every frame so far, outermost first: what the verifier needs to check
    /// code lowered in the innermost one.
    pub fn sizes(&self) -> Vec<u16> {
        self.sizes.clone()
    }

    /// A fresh slot of the innermost frame for `decl` (none when the resolver made no
    /// declaration there: the slot is still taken, so the frame's layout does not depend on it).
    pub fn declare(&mut self, decl: Option<DeclId>, kind: StaticKind) -> u16 {
        let level = self.sizes.len().saturating_sub(1);
        let slot = self.sizes[level];
        self.sizes[level] += 1;
        if let Some(id) = decl {
            let binding = Binding {
                level: level as u16,
                slot,
                kind,
            };
            let previous = self.bindings.insert(id, binding);
            self.replaced[level].push((id, previous));
        }
        slot
    }

    /// How many frames up, and which slot, `decl` lives in, with what is statically known
    /// about its value.
    pub fn resolve(&self, decl: DeclId) -> Option<(u16, u16, StaticKind)> {
        let binding = self.bindings.get(&decl)?;
        let depth = (self.sizes.len().saturating_sub(1) as u16).saturating_sub(binding.level);
        Some((depth, binding.slot, binding.kind))
    }
}
