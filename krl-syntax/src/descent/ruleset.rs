//! The ruleset and its sections: the id, `meta`, `global` and each rule's frame (`select`,
//! `foreach`, `pre`, then the action block and postlude from `action.rs`).

use krl_diagnostics::Span;

use crate::ast::*;
use crate::token::{Kw, Tok};

use super::{Fallible, Parser, is_any_word, is_bind_name, is_meta_name, is_name, is_shares_name, is_word};

impl Parser<'_, '_> {
    /// `Ruleset`: the whole file.
    pub(super) fn ruleset(&mut self) -> Fallible<Ruleset> {
        let lo = self.lo();
        self.expect_kw(Kw::Ruleset)?;
        let rid = self.rid()?;
        self.expect(Tok::LBrace)?;
        let version = if self.eat(Tok::Kw(Kw::Version)) {
            Some(self.string()?)
        } else {
            None
        };
        let meta = if self.at_kw(Kw::Meta) {
            Some(self.meta()?)
        } else {
            None
        };
        let global = if self.at_kw(Kw::Global) {
            Some(self.global()?)
        } else {
            None
        };
        let mut rules = Vec::new();
        while self.at_kw(Kw::Rule) {
            rules.push(RuleItem::Rule(self.rule()?));
        }
        self.expect(Tok::RBrace)?;
        Some(Ruleset {
            rid,
            version,
            meta,
            global,
            rules,
            span: self.span_from(lo),
        })
    }

    /// `Rid`: words joined by `.` or `-`.
    fn rid(&mut self) -> Fallible<Rid> {
        let lo = self.lo();
        let first = self.word(is_any_word)?;
        let mut rest = Vec::new();
        loop {
            let sep = match self.peek() {
                Tok::Dot => ".",
                Tok::Minus => "-",
                _ => break,
            };
            self.pos += 1;
            rest.push((sep, self.word(is_any_word)?));
        }
        let hi = self.hi();
        Some(self.b.rid(first, rest, lo, hi))
    }

    pub(super) fn meta(&mut self) -> Fallible<Meta> {
        let lo = self.lo();
        self.pos += 1;
        self.expect(Tok::LBrace)?;
        let mut props = Vec::new();
        while !self.eat(Tok::RBrace) {
            props.push(MetaItem::Prop(self.meta_prop()?));
        }
        Some(Meta {
            props,
            span: self.span_from(lo),
        })
    }

    fn meta_prop(&mut self) -> Fallible<MetaProp> {
        let lo = self.lo();
        let Tok::Kw(key_kw) = self.peek() else {
            return None;
        };
        let key = self.word(|_| true)?;
        let kind = match key_kw {
            Kw::Name | Kw::Description | Kw::Author | Kw::Version => {
                MetaPropKind::Value { value: self.expr()? }
            }
            Kw::Logging if self.eat(Tok::Kw(Kw::On)) => MetaPropKind::Logging { on: true },
            Kw::Logging if self.eat(Tok::Kw(Kw::Off)) => MetaPropKind::Logging { on: false },
            Kw::Key | Kw::Keys => MetaPropKind::Key {
                name: self.word(is_any_word)?,
                value: self.expr()?,
            },
            Kw::Use => self.use_module()?,
            Kw::Errors => {
                self.expect_kw(Kw::To)?;
                MetaPropKind::ErrorsTo { rid: self.rid()? }
            }
            Kw::Configure => {
                self.expect_kw(Kw::Using)?;
                MetaPropKind::Configure {
                    decls: self.plain_decls()?,
                }
            }
            Kw::Provide | Kw::Provides if self.eat(Tok::Kw(Kw::Keys)) => {
                let names = self.comma1(|p| p.word(is_meta_name))?;
                self.expect_kw(Kw::To)?;
                MetaPropKind::ProvidesKeys {
                    names,
                    to: self.comma1(Parser::rid)?,
                }
            }
            Kw::Provide | Kw::Provides => MetaPropKind::Provides {
                names: self.comma1(|p| p.word(is_meta_name))?,
            },
            Kw::Share | Kw::Shares => MetaPropKind::Shares {
                names: self.comma1(|p| p.word(is_shares_name))?,
            },
            _ => return None,
        };
        Some(MetaProp {
            key,
            kind,
            span: self.span_from(lo),
        })
    }

    /// After `use`: `module rid alias name with a = 1 and b = 2`.
    fn use_module(&mut self) -> Fallible<MetaPropKind> {
        self.expect_kw(Kw::Module)?;
        let rid = self.rid()?;
        let alias = if self.eat(Tok::Kw(Kw::Alias)) {
            Some(self.word(is_word)?)
        } else {
            None
        };
        let mut with = Vec::new();
        if self.eat(Tok::Kw(Kw::With)) {
            with.push(DeclItem::Declaration(self.declaration()?));
            loop {
                if self.at_kw(Kw::And) && is_bind_name(self.peek_at(1)) {
                    self.pos += 1;
                } else if !is_bind_name(self.peek()) {
                    break;
                }
                with.push(DeclItem::Declaration(self.declaration()?));
            }
        }
        Some(MetaPropKind::Use { rid, alias, with })
    }

    pub(super) fn global(&mut self) -> Fallible<Global> {
        let lo = self.lo();
        self.pos += 1;
        self.expect(Tok::LBrace)?;
        let decls = self.plain_decls()?;
        self.expect(Tok::RBrace)?;
        Some(Global {
            decls,
            span: self.span_from(lo),
        })
    }

    pub(super) fn rule(&mut self) -> Fallible<Rule> {
        let lo = self.lo();
        self.pos += 1;
        let name = self.word(is_word)?;
        let state = if self.eat(Tok::Kw(Kw::Is)) {
            let state_lo = self.lo();
            let state = match self.peek() {
                Tok::Kw(Kw::Active) => RuleState::Active,
                Tok::Kw(Kw::Inactive) => RuleState::Inactive,
                _ => return None,
            };
            self.pos += 1;
            Some((state, Span::new(state_lo, self.hi())))
        } else {
            None
        };
        self.expect(Tok::LBrace)?;
        let select = self.select()?;
        let mut foreach = Vec::new();
        while self.at_kw(Kw::Foreach) {
            let lo = self.lo();
            self.pos += 1;
            let collection = self.expr()?;
            let setting = self.setting()?;
            let span = self.span_from(lo);
            foreach.push(Foreach {
                collection,
                setting,
                span,
            });
        }
        let pre = if self.at_kw(Kw::Pre) {
            Some(self.pre()?)
        } else {
            None
        };
        let action_block = if self.starts_action_block() {
            Some(self.action_block()?)
        } else {
            None
        };
        let postlude = self.postlude()?;
        self.expect(Tok::RBrace)?;
        Some(Rule {
            name,
            state,
            select,
            foreach,
            pre,
            action_block,
            postlude,
            span: self.span_from(lo),
        })
    }

    /// `Select?`: `select when ...` or `select where ...`; `select` followed by anything else
    /// is an action's name.
    fn select(&mut self) -> Fallible<Option<Select>> {
        if !self.at_kw(Kw::Select) {
            return Some(None);
        }
        let lo = self.lo();
        let kind = match self.peek_at(1) {
            Tok::Kw(Kw::When) => {
                self.pos += 2;
                let event = self.event_expr()?;
                let within = if self.at_kw(Kw::Within) {
                    Some(self.within()?)
                } else {
                    None
                };
                SelectKind::When { event, within }
            }
            Tok::Kw(Kw::Where) => {
                self.pos += 2;
                SelectKind::Where {
                    condition: self.expr()?,
                }
            }
            _ => return Some(None),
        };
        Some(Some(Select {
            kind,
            span: self.span_from(lo),
        }))
    }

    fn within(&mut self) -> Fallible<Within> {
        let lo = self.lo();
        self.pos += 1;
        let amount = self.expr()?;
        let unit_word = self.word(is_name)?;
        let hi = self.hi();
        Some(self.b.within(amount, unit_word, lo, hi))
    }

    fn pre(&mut self) -> Fallible<Pre> {
        let lo = self.lo();
        self.pos += 1;
        self.expect(Tok::LBrace)?;
        let decls = self.plain_decls()?;
        self.expect(Tok::RBrace)?;
        Some(Pre {
            decls,
            span: self.span_from(lo),
        })
    }
}
