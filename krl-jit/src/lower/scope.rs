//! Compile-time scopes: one per runtime frame, mapping names to slots.

use std::collections::HashMap;

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

/// One frame's names. Re-declaring a name gives it a new slot, so earlier closures keep
/// seeing the value they captured (this is what the REPL relies on).
#[derive(Debug, Default)]
struct Scope {
    names: HashMap<String, (u16, StaticKind)>,
    n_slots: u16,
}

/// The stack of scopes being lowered, innermost last.
#[derive(Debug)]
pub struct Scopes {
    stack: Vec<Scope>,
}

impl Default for Scopes {
    fn default() -> Self {
        Scopes::new()
    }
}

impl Scopes {
    /// One (outermost) scope.
    pub fn new() -> Scopes {
        Scopes {
            stack: vec![Scope::default()],
        }
    }

    pub fn push(&mut self) {
        self.stack.push(Scope::default());
    }

    /// Leaves the innermost scope and returns its frame size.
    pub fn pop(&mut self) -> u16 {
        self.stack.pop().map_or(0, |scope| scope.n_slots)
    }

    /// The frame size of the innermost scope so far.
    pub fn innermost_size(&self) -> u16 {
        self.stack.last().map_or(0, |scope| scope.n_slots)
    }

    /// The frame size of every scope so far, outermost first: what the verifier needs to
    /// check code lowered in the innermost one.
    pub fn sizes(&self) -> Vec<u16> {
        self.stack.iter().map(|scope| scope.n_slots).collect()
    }

    /// Binds `name` to a fresh slot of the innermost scope.
    pub fn declare(&mut self, name: &str) -> u16 {
        self.declare_kind(name, StaticKind::Unknown)
    }

    /// Binds `name` to a fresh slot whose value is statically known to be of `kind`.
    pub fn declare_kind(&mut self, name: &str, kind: StaticKind) -> u16 {
        let scope = self.stack.last_mut().expect("there is always an outermost scope");
        let slot = scope.n_slots;
        scope.n_slots += 1;
        scope.names.insert(name.to_string(), (slot, kind));
        slot
    }

    /// How many frames up, and which slot, `name` lives in.
    pub fn resolve(&self, name: &str) -> Option<(u16, u16)> {
        self.resolve_kind(name).map(|(depth, slot, _)| (depth, slot))
    }

    /// Like [`Scopes::resolve`], with what is statically known about the value.
    pub fn resolve_kind(&self, name: &str) -> Option<(u16, u16, StaticKind)> {
        self.stack.iter().rev().enumerate().find_map(|(depth, scope)| {
            scope
                .names
                .get(name)
                .map(|&(slot, kind)| (depth as u16, slot, kind))
        })
    }
}
