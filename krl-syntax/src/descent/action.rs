//! A rule's action block (`if ... then`, `every`/`sample`/`choose` lists, actions) and its
//! postlude (`fired`/`notfired`/`always` blocks of statements).

use crate::ast::*;
use crate::token::{Kw, Tok};

use super::{Fallible, Parser, is_action_word, is_bind_name, is_plain_ident, is_raise_domain, is_word};

impl Parser<'_, '_> {
    pub(super) fn starts_action_block(&self) -> bool {
        let tok = self.peek();
        matches!(tok, Tok::Kw(Kw::If | Kw::Every | Kw::Sample | Kw::Choose)) || is_action_word(tok)
    }

    /// `ActionBlock`: an optional condition, then one action or a list of them.
    pub(super) fn action_block(&mut self) -> Fallible<ActionBlock> {
        let lo = self.lo();
        let condition = if self.eat(Tok::Kw(Kw::If)) {
            let condition = self.expr()?;
            self.expect_kw(Kw::Then)?;
            Some(condition)
        } else {
            None
        };
        let (kind, actions) = match self.peek() {
            Tok::Kw(Kw::Every) => {
                self.pos += 1;
                (BlockKind::Every, self.action_list()?)
            }
            Tok::Kw(Kw::Sample) => {
                self.pos += 1;
                (BlockKind::Sample, self.action_list()?)
            }
            Tok::Kw(Kw::Choose) => {
                self.pos += 1;
                let discriminant = self.choose_expr()?;
                (BlockKind::Choose { discriminant }, self.action_list()?)
            }
            _ => (BlockKind::Single, vec![ActionItem::Action(self.action()?)]),
        };
        Some(ActionBlock {
            condition,
            kind,
            actions,
            span: self.span_from(lo),
        })
    }

    fn action_list(&mut self) -> Fallible<Vec<ActionItem>> {
        self.expect(Tok::LBrace)?;
        let mut actions = Vec::new();
        while !self.eat(Tok::RBrace) {
            actions.push(ActionItem::Action(self.action()?));
        }
        Some(actions)
    }

    /// `label => domain:name(args) setting(x);`.
    fn action(&mut self) -> Fallible<Action> {
        let lo = self.lo();
        let label = if is_action_word(self.peek()) && self.peek_at(1) == Tok::FatArrow {
            let label = self.word(is_action_word)?;
            self.pos += 1;
            Some(label)
        } else {
            None
        };
        let first = self.word(is_action_word)?;
        let (domain, name) = if self.eat(Tok::Colon) {
            (Some(first), self.word(is_word)?)
        } else {
            (None, first)
        };
        let args = self.args()?;
        let setting = if self.at_kw(Kw::Setting) {
            self.setting()?
        } else {
            Vec::new()
        };
        self.eat(Tok::Semi);
        Some(Action {
            label,
            domain,
            name,
            args,
            setting,
            span: self.span_from(lo),
        })
    }

    /// `ChooseExpr`: an atom or a parenthesised expression, then calls only.
    fn choose_expr(&mut self) -> Fallible<Expr> {
        let lo = self.lo();
        let mut expr = if self.eat(Tok::LParen) {
            let inner = self.expr()?;
            self.expect(Tok::RParen)?;
            Expr::new(
                ExprKind::Paren {
                    inner: Box::new(inner),
                },
                lo,
                self.hi(),
            )
        } else {
            self.atom()?
        };
        while self.at(Tok::LParen) {
            let args = self.args()?;
            let kind = ExprKind::Call {
                callee: Box::new(expr),
                args,
            };
            expr = Expr::new(kind, lo, self.hi());
        }
        Some(expr)
    }

    /// `Postlude?`.
    pub(super) fn postlude(&mut self) -> Fallible<Option<Postlude>> {
        let lo = self.lo();
        let first_kw = match self.peek() {
            Tok::Kw(Kw::Fired) => PostludeKw::Fired,
            Tok::Kw(Kw::Notfired) => PostludeKw::Notfired,
            Tok::Kw(Kw::Always) => PostludeKw::Always,
            _ => return Some(None),
        };
        self.pos += 1;
        let first = self.stmt_block()?;
        let (else_, finally) = if first_kw == PostludeKw::Always {
            (None, None)
        } else {
            let else_ = if self.eat(Tok::Kw(Kw::Else)) {
                Some(self.stmt_block()?)
            } else {
                None
            };
            let finally = if self.eat(Tok::Kw(Kw::Finally)) {
                Some(self.stmt_block()?)
            } else {
                None
            };
            (else_, finally)
        };
        Some(Some(Postlude {
            first_kw,
            first,
            else_,
            finally,
            span: self.span_from(lo),
        }))
    }

    fn stmt_block(&mut self) -> Fallible<StmtBlock> {
        let lo = self.lo();
        self.expect(Tok::LBrace)?;
        let mut stmts = Vec::new();
        while !self.eat(Tok::RBrace) {
            let lo = self.lo();
            let kind = self.statement()?;
            let guard = match self.peek() {
                Tok::Kw(Kw::On) => {
                    let guard_lo = self.lo();
                    self.pos += 1;
                    self.expect_kw(Kw::Final)?;
                    Some(Guard::OnFinal {
                        span: self.span_from(guard_lo),
                    })
                }
                Tok::Kw(Kw::If) => {
                    self.pos += 1;
                    Some(Guard::If {
                        condition: self.expr()?,
                    })
                }
                _ => None,
            };
            let span = self.span_from(lo);
            self.eat(Tok::Semi);
            stmts.push(StmtItem::Statement(Statement { kind, guard, span }));
        }
        Some(StmtBlock {
            stmts,
            span: self.span_from(lo),
        })
    }

    /// `StmtKind`.
    fn statement(&mut self) -> Fallible<StmtKind> {
        Some(match self.peek() {
            tok if is_plain_ident(tok) => {
                let (domain, name, path) = self.entity_ref()?;
                self.expect(Tok::ColonEq)?;
                StmtKind::PersistentAssignment {
                    domain,
                    name,
                    path,
                    value: self.expr()?,
                }
            }
            Tok::Kw(Kw::Clear) => {
                self.pos += 1;
                let (domain, name, path) = self.entity_ref()?;
                StmtKind::Clear { domain, name, path }
            }
            Tok::Kw(Kw::Raise) => {
                self.pos += 1;
                let event = self.event_ref()?;
                let for_rid = self.optional_clause(Kw::For)?;
                let attributes = self.optional_clause(Kw::Attributes)?;
                StmtKind::Raise {
                    event,
                    for_rid,
                    attributes,
                }
            }
            Tok::Kw(Kw::Schedule) => self.schedule()?,
            Tok::Kw(Kw::Log) => {
                self.pos += 1;
                let (level, level_word, message) = self.log_parts()?;
                StmtKind::Log {
                    level,
                    level_word,
                    message,
                }
            }
            Tok::Kw(Kw::Error) => {
                self.pos += 1;
                let (level, level_word, message) = self.log_parts()?;
                StmtKind::Error {
                    level,
                    level_word,
                    message,
                }
            }
            Tok::Kw(Kw::Last) => {
                self.pos += 1;
                StmtKind::Last
            }
            tok if is_bind_name(tok) => StmtKind::Declaration(self.declaration()?),
            _ => return None,
        })
    }

    /// `ent:name{path}`.
    fn entity_ref(&mut self) -> Fallible<(Ident, Ident, Option<Expr>)> {
        let domain = self.word(is_plain_ident)?;
        self.expect(Tok::Colon)?;
        let name = self.word(is_word)?;
        let path = if self.eat(Tok::LBrace) {
            let path = self.expr()?;
            self.expect(Tok::RBrace)?;
            Some(path)
        } else {
            None
        };
        Some((domain, name, path))
    }

    /// `kw expr`, if the next token is `kw`.
    fn optional_clause(&mut self, kw: Kw) -> Fallible<Option<Expr>> {
        if self.eat(Tok::Kw(kw)) {
            Some(Some(self.expr()?))
        } else {
            Some(None)
        }
    }

    fn event_ref(&mut self) -> Fallible<EventRef> {
        if self.eat(Tok::Kw(Kw::Event)) {
            return Some(EventRef::Dynamic {
                domain_and_type: self.expr()?,
            });
        }
        let domain = self.word(is_raise_domain)?;
        self.expect_kw(Kw::Event)?;
        Some(EventRef::Static {
            domain,
            event_type: self.expr()?,
        })
    }

    fn schedule(&mut self) -> Fallible<StmtKind> {
        self.pos += 1;
        let event = self.event_ref()?;
        let time = match self.peek() {
            Tok::Kw(Kw::At) => {
                self.pos += 1;
                ScheduleTime::At { time: self.expr()? }
            }
            Tok::Kw(Kw::Repeat) => {
                self.pos += 1;
                ScheduleTime::Repeat {
                    timespec: self.expr()?,
                }
            }
            _ => return None,
        };
        let attributes = self.optional_clause(Kw::Attributes)?;
        let setting = if self.eat(Tok::Kw(Kw::Setting)) {
            self.expect(Tok::LParen)?;
            let name = self.word(is_word)?;
            self.expect(Tok::RParen)?;
            Some(name)
        } else {
            None
        };
        Some(StmtKind::Schedule {
            event,
            time,
            attributes,
            setting,
        })
    }

    /// After `log` or `error`: the level word and the message.
    fn log_parts(&mut self) -> Fallible<(Option<LogLevel>, Ident, Expr)> {
        let level_word = self.word(|tok| matches!(tok, Tok::Ident(_) | Tok::Kw(Kw::Error)))?;
        let level = self.b.level(&level_word);
        Some((level, level_word, self.expr()?))
    }
}
