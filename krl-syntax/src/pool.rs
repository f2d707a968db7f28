//! Recycled boxes for the values that travel through the parser stack.
//!
//! LALRPOP's stack slot is as large as its largest value, so list items and statements go
//! through it boxed (see `grammar.lalrpop`). Each such box lives only from the reduction that
//! makes the item to the one that puts it in its list; a `Pool` hands the same few boxes out
//! again instead of asking the allocator thousands of times per file.

use krl_diagnostics::Span;

use crate::ast::{ActionItem, ArgItem, DeclItem, MapItem, StmtItem, StmtKind};

/// What a box holds, so that grammar macros can name the list type of boxed items.
pub(crate) trait Unbox {
    type Target;
}

impl<T> Unbox for Box<T> {
    type Target = T;
}

pub(crate) type Unboxed<B> = <B as Unbox>::Target;

/// Free boxes of one type, each holding a placeholder.
pub(crate) struct Pool<T> {
    free: Vec<Box<T>>,
}

impl<T> Default for Pool<T> {
    fn default() -> Self {
        Pool { free: Vec::new() }
    }
}

/// A value type that has a pool, and a cheap value to leave in a free box.
pub(crate) trait Pooled: Sized {
    fn placeholder() -> Self;
    fn pool(pools: &mut Pools) -> &mut Pool<Self>;
}

/// One pool per boxed item type, owned by the parse's `Builder`.
#[derive(Default)]
pub(crate) struct Pools {
    args: Pool<ArgItem>,
    decls: Pool<DeclItem>,
    map_items: Pool<MapItem>,
    stmts: Pool<StmtItem>,
    stmt_kinds: Pool<StmtKind>,
    actions: Pool<ActionItem>,
}

impl Pools {
    pub(crate) fn boxed<T: Pooled>(&mut self, value: T) -> Box<T> {
        match T::pool(self).free.pop() {
            Some(mut free) => {
                *free = value;
                free
            }
            None => Box::new(value),
        }
    }

    pub(crate) fn unbox<T: Pooled>(&mut self, mut boxed: Box<T>) -> T {
        let value = std::mem::replace(&mut *boxed, T::placeholder());
        T::pool(self).free.push(boxed);
        value
    }

    /// Moves a boxed item into its list. A first item larger than a few hundred bytes gets a
    /// list of one, not of four: glibc serves a request of a kilobyte or more only after
    /// merging all its small free chunks, which costs far more than a later regrowth.
    pub(crate) fn push<T: Pooled>(&mut self, items: &mut Vec<T>, item: Box<T>) {
        if items.capacity() == 0 && size_of::<T>() > 200 {
            items.reserve_exact(1);
        }
        items.push(self.unbox(item));
    }

    pub(crate) fn unbox_all<T: Pooled>(&mut self, items: Vec<Box<T>>) -> Vec<T> {
        let mut values = Vec::with_capacity(items.len());
        values.extend(items.into_iter().map(|item| self.unbox(item)));
        values
    }
}

macro_rules! pooled {
    ($($ty:ty => $field:ident, $placeholder:expr;)*) => {
        $(impl Pooled for $ty {
            fn placeholder() -> Self {
                $placeholder
            }

            fn pool(pools: &mut Pools) -> &mut Pool<Self> {
                &mut pools.$field
            }
        })*
    };
}

pooled! {
    ArgItem => args, ArgItem::Error { span: Span::default() };
    DeclItem => decls, DeclItem::Error { span: Span::default() };
    MapItem => map_items, MapItem::Error { span: Span::default() };
    StmtItem => stmts, StmtItem::Error { span: Span::default() };
    StmtKind => stmt_kinds, StmtKind::Last;
    ActionItem => actions, ActionItem::Error { span: Span::default() };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_are_reused_and_values_come_back_whole() {
        let mut pools = Pools::default();
        let first = pools.boxed(DeclItem::Error {
            span: Span::new(1, 2),
        });
        let address = &*first as *const DeclItem;
        assert_eq!(
            pools.unbox(first),
            DeclItem::Error {
                span: Span::new(1, 2)
            }
        );
        let second = pools.boxed(DeclItem::Error {
            span: Span::new(3, 4),
        });
        assert_eq!(&*second as *const DeclItem, address);
        let third = pools.boxed(DeclItem::Error {
            span: Span::new(5, 6),
        });
        let items = pools.unbox_all(vec![second, third]);
        assert_eq!(
            items,
            [
                DeclItem::Error {
                    span: Span::new(3, 4)
                },
                DeclItem::Error {
                    span: Span::new(5, 6)
                }
            ]
        );
    }
}
