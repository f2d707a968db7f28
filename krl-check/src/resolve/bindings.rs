//! The names each scope binds, for the resolver's lookups. A scope binds few names (a
//! function's parameters, a rule's settings, a `global` block), so each keeps a vector of
//! the declarations it binds, newest last, scanned by a fingerprint of the name, instead of a
//! hash map with a `String` key per declaration: a lookup costs a short scan and a
//! declaration no allocation. The names themselves are the declarations' own, in the
//! resolver's [`NameTable`]. The root scope (the stdlib, the same in every file) is one
//! shared index instead.

use std::sync::OnceLock;

use crate::FastMap;
use crate::scope::{DeclId, NameTable, ScopeId};

/// Per scope (indexed by [`ScopeId`]): the fingerprint of each bound name and what it means,
/// newest last. A name bound twice in a scope means its newest declaration.
#[derive(Default)]
pub(super) struct Bindings {
    scopes: Vec<Vec<(u64, DeclId)>>,
}

impl Bindings {
    /// Room for the scope just added to the table.
    pub(super) fn push_scope(&mut self) {
        self.scopes.push(Vec::new());
    }

    /// Makes `name` mean `id` in `scope`. The root scope's names are [`root_names`], bound
    /// once for every file.
    pub(super) fn bind(&mut self, scope: ScopeId, name: &str, id: DeclId) {
        if scope != ROOT_SCOPE {
            self.scopes[scope.0 as usize].push((fingerprint(name), id));
        }
    }

    /// What `name` means in `scope` itself (not its parents).
    pub(super) fn get(&self, table: &NameTable, scope: ScopeId, name: &Name<'_>) -> Option<DeclId> {
        if scope == ROOT_SCOPE {
            return root_index().get(name.text).copied();
        }
        self.scopes[scope.0 as usize]
            .iter()
            .rev()
            .find(|&&(bound, id)| bound == name.print && table.declaration(id).name == name.text)
            .map(|&(_, id)| id)
    }

    /// The names `scope` binds (a name bound twice may come twice).
    pub(super) fn names<'t>(
        &'t self,
        table: &'t NameTable,
        scope: ScopeId,
    ) -> impl Iterator<Item = &'t str> + 't {
        let root = (scope == ROOT_SCOPE).then(|| root_index().keys().copied());
        let own = self.scopes[scope.0 as usize]
            .iter()
            .map(move |&(_, id)| table.declaration(id).name.as_str());
        root.into_iter().flatten().chain(own)
    }
}

/// The root scope: the first one, whose declarations are the first ones too.
const ROOT_SCOPE: ScopeId = ScopeId(0);

/// The names of the root scope in the order `Resolver::root` declares them (a [`DeclId`]
/// each): every stdlib operator called by name, then `__testing`. A test holds the two
/// together.
fn root_names() -> impl Iterator<Item = &'static str> {
    krl_builtins::named_operators()
        .map(|op| op.name)
        .chain([krl_builtins::TESTING])
}

/// The root scope's bindings by name, the same for every file: too many for a scan. A name
/// declared twice means its later declaration, as in any scope.
fn root_index() -> &'static FastMap<&'static str, DeclId> {
    static INDEX: OnceLock<FastMap<&'static str, DeclId>> = OnceLock::new();
    INDEX.get_or_init(|| {
        root_names()
            .enumerate()
            .map(|(idx, name)| (name, DeclId(idx as u32)))
            .collect()
    })
}

/// A name to look up, with its fingerprint computed once for all the scopes it is looked up in.
pub(super) struct Name<'n> {
    text: &'n str,
    print: u64,
}

impl<'n> Name<'n> {
    pub(super) fn new(text: &'n str) -> Name<'n> {
        Name {
            text,
            print: fingerprint(text),
        }
    }
}

/// The first and last four bytes of `name` and its length, in one word: equal names have
/// equal fingerprints, and most different names in one scope do not.
fn fingerprint(name: &str) -> u64 {
    let bytes = name.as_bytes();
    let len = bytes.len();
    let ends = match (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        (Some(head), Some(tail)) => {
            u64::from(u32::from_le_bytes(*head)) | u64::from(u32::from_le_bytes(*tail)) << 32
        }
        _ => bytes.iter().fold(0, |print, byte| print << 8 | u64::from(*byte)),
    };
    ends ^ (len as u64).rotate_right(8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::{DeclKind, Declaration, Shape};
    use krl_diagnostics::Span;

    fn declare(table: &mut NameTable, name: &str) -> DeclId {
        table.declarations.push(Declaration {
            name: name.to_string(),
            kind: DeclKind::Global,
            span: Span::default(),
            scope: ScopeId(0),
            shape: Shape::Unknown,
        });
        DeclId(table.declarations.len() as u32 - 1)
    }

    #[test]
    fn the_newest_binding_of_a_name_wins_and_similar_names_stay_apart() {
        let mut table = NameTable::default();
        let mut bindings = Bindings::default();
        bindings.push_scope();
        bindings.push_scope();
        let names = [
            "view1",
            "view2",
            "view10",
            "a",
            "ab",
            "",
            "a_long_name_one",
            "a_long_name_two",
        ];
        let ids: Vec<DeclId> = names.iter().map(|name| declare(&mut table, name)).collect();
        for (name, id) in names.iter().zip(&ids) {
            bindings.bind(ScopeId(1), name, *id);
        }
        for (name, id) in names.iter().zip(&ids) {
            assert_eq!(
                bindings.get(&table, ScopeId(1), &Name::new(name)),
                Some(*id),
                "{name}"
            );
        }
        assert_eq!(bindings.get(&table, ScopeId(1), &Name::new("view3")), None);
        let again = declare(&mut table, "view1");
        bindings.bind(ScopeId(1), "view1", again);
        assert_eq!(bindings.get(&table, ScopeId(1), &Name::new("view1")), Some(again));
        assert_eq!(bindings.names(&table, ScopeId(1)).count(), names.len() + 1);
    }

    #[test]
    fn the_shared_root_index_is_what_the_resolver_declares() {
        let table = crate::resolve::NameResolver::new(krl_diagnostics::FileId(0));
        let table = table.table();
        let declared: Vec<&str> = table
            .declarations
            .iter()
            .take_while(|decl| decl.scope == ScopeId(0))
            .map(|decl| decl.name.as_str())
            .collect();
        assert_eq!(declared, root_names().collect::<Vec<_>>());
        assert_eq!(table.declarations.len(), declared.len());
        let bindings = Bindings::default();
        assert_eq!(
            bindings.get(table, ScopeId(0), &Name::new("klog")),
            table
                .declarations
                .iter()
                .rposition(|d| d.name == "klog")
                .map(|idx| DeclId(idx as u32))
        );
        assert_eq!(
            bindings
                .get(table, ScopeId(0), &Name::new(krl_builtins::TESTING))
                .map(|id| id.0 as usize),
            Some(declared.len() - 1)
        );
    }
}
