//! Expressions, loosest first, as in the grammar's expression section: conditional, the
//! binary chain (filed into a tree by binding power with `parser::binary`), prefix operators,
//! postfix operators, primaries and atoms.

use crate::ast::*;
use crate::literal::{decode_chevron_text, decode_number};
use crate::parser::{binary, unary};
use crate::token::{Kw, Tok};

use super::{Fallible, Parser, is_bind_name, is_name, is_word};

impl Parser<'_, '_> {
    /// `Expr`: a conditional or a binary chain.
    pub(super) fn expr(&mut self) -> Fallible<Expr> {
        self.nested(Parser::conditional)
    }

    fn conditional(&mut self) -> Fallible<Expr> {
        let lo = self.lo();
        let test = self.chain()?;
        if !self.eat(Tok::FatArrow) {
            return Some(test);
        }
        let then = self.chain()?;
        self.expect(Tok::Bar)?;
        let else_ = self.expr()?;
        let kind = ExprKind::Conditional {
            test: Box::new(test),
            then: Box::new(then),
            else_: Box::new(else_),
        };
        Some(Expr::new(kind, lo, self.hi()))
    }

    /// `BinaryChain`: operands joined by binary operators.
    fn chain(&mut self) -> Fallible<Expr> {
        let mut left = self.unary()?;
        while let Some(op) = binary_op(self.peek()) {
            self.pos += 1;
            let right = self.unary()?;
            left = binary(left, op, right);
        }
        Some(left)
    }

    /// `Unary`: prefix operators over a postfix expression.
    fn unary(&mut self) -> Fallible<Expr> {
        let op = match self.peek() {
            Tok::Minus => UnaryOp::Neg,
            Tok::Plus => UnaryOp::Plus,
            Tok::Kw(Kw::Not) => UnaryOp::Not,
            _ => return self.postfix(),
        };
        let lo = self.lo();
        self.pos += 1;
        let operand = self.nested(Parser::unary)?;
        Some(unary(op, operand, lo, self.hi()))
    }

    /// `Postfix`: members, indexes, paths and calls after a primary.
    fn postfix(&mut self) -> Fallible<Expr> {
        let lo = self.lo();
        let mut expr = self.primary()?;
        loop {
            let kind = match self.peek() {
                Tok::Dot => {
                    self.pos += 1;
                    let (domain, name) = self.member()?;
                    ExprKind::Dot {
                        object: Box::new(expr),
                        domain,
                        name,
                    }
                }
                Tok::LBracket => {
                    self.pos += 1;
                    let index = self.expr()?;
                    self.expect(Tok::RBracket)?;
                    ExprKind::Index {
                        object: Box::new(expr),
                        index: Box::new(index),
                    }
                }
                Tok::LBrace => {
                    self.pos += 1;
                    let path = self.expr()?;
                    self.expect(Tok::RBrace)?;
                    ExprKind::Path {
                        object: Box::new(expr),
                        path: Box::new(path),
                    }
                }
                Tok::LParen => ExprKind::Call {
                    callee: Box::new(expr),
                    args: self.args()?,
                },
                _ => return Some(expr),
            };
            expr = Expr::new(kind, lo, self.hi());
        }
    }

    /// After `.`: `name` or `domain:name`.
    fn member(&mut self) -> Fallible<(Option<Ident>, Ident)> {
        if is_name(self.peek()) && self.peek_at(1) == Tok::Colon {
            let domain = self.word(is_name)?;
            self.pos += 1;
            return Some((Some(domain), self.word(is_word)?));
        }
        Some((None, self.word(is_word)?))
    }

    /// `Primary`: an atom or a bracketed expression, array or map.
    fn primary(&mut self) -> Fallible<Expr> {
        let lo = self.lo();
        let kind = match self.peek() {
            Tok::LParen => {
                self.pos += 1;
                let inner = self.expr()?;
                self.expect(Tok::RParen)?;
                ExprKind::Paren {
                    inner: Box::new(inner),
                }
            }
            Tok::LBracket => {
                self.pos += 1;
                let items = self.comma(Tok::RBracket, |p| Some(ArrayItem::Item { value: p.expr()? }))?;
                ExprKind::Array { items }
            }
            Tok::LBrace => {
                self.pos += 1;
                ExprKind::Map {
                    items: self.comma(Tok::RBrace, Parser::map_entry)?,
                }
            }
            _ => return self.atom(),
        };
        Some(Expr::new(kind, lo, self.hi()))
    }

    fn map_entry(&mut self) -> Fallible<MapItem> {
        let lo = self.lo();
        let key = self.string()?;
        self.expect(Tok::Colon)?;
        let value = self.expr()?;
        let span = self.span_from(lo);
        Some(MapItem::Entry(MapEntry { key, value, span }))
    }

    /// `StrLit`.
    pub(super) fn string(&mut self) -> Fallible<StrLit> {
        let Tok::Str(raw) = self.peek() else {
            return None;
        };
        let token = self.bump();
        Some(self.b.string(raw, token.span.start, token.span.end))
    }

    /// `Atom`: the primaries that cannot continue a previous expression.
    pub(super) fn atom(&mut self) -> Fallible<Expr> {
        let lo = self.lo();
        let kind = match self.peek() {
            Tok::Kw(Kw::Null) => ExprKind::Null,
            Tok::Kw(Kw::True) => ExprKind::Boolean { value: true },
            Tok::Kw(Kw::False) => ExprKind::Boolean { value: false },
            Tok::Number(raw) => ExprKind::Number {
                value: decode_number(raw),
            },
            Tok::Str(_) => {
                let literal = self.string()?;
                return Some(Expr {
                    kind: ExprKind::String { value: literal.value },
                    span: literal.span,
                });
            }
            Tok::Regex(raw) => {
                let token = self.bump();
                let regex = self.b.regex(raw, token.span.start, token.span.end);
                let kind = ExprKind::RegExp {
                    pattern: regex.pattern,
                    flags: regex.flags,
                };
                return Some(Expr::new(kind, lo, self.hi()));
            }
            Tok::ChevronOpen => return self.chevron(),
            Tok::Kw(Kw::Function) => return self.function(),
            Tok::Kw(Kw::Defaction) => return self.defaction(),
            tok if is_name(tok) => return self.identifier(),
            _ => return None,
        };
        self.pos += 1;
        Some(Expr::new(kind, lo, self.hi()))
    }

    /// A name, or `domain:name`.
    fn identifier(&mut self) -> Fallible<Expr> {
        let lo = self.lo();
        let name = self.word(is_name)?;
        let kind = if self.eat(Tok::Colon) {
            ExprKind::DomainIdentifier {
                domain: name,
                name: self.word(is_word)?,
            }
        } else {
            ExprKind::Identifier { name: name.name }
        };
        Some(Expr::new(kind, lo, self.hi()))
    }

    fn chevron(&mut self) -> Fallible<Expr> {
        let lo = self.lo();
        self.pos += 1;
        let mut parts = Vec::new();
        loop {
            match self.peek() {
                Tok::ChevronText(raw) => {
                    let token = self.bump();
                    parts.push(ChevronPart::Text {
                        value: decode_chevron_text(raw),
                        span: token.span,
                    });
                }
                Tok::BeestingOpen => {
                    self.pos += 1;
                    let expr = self.expr()?;
                    self.expect(Tok::BeestingClose)?;
                    parts.push(ChevronPart::Beesting { expr });
                }
                _ => break,
            }
        }
        self.expect(Tok::ChevronClose)?;
        Some(Expr::new(ExprKind::Chevron { parts }, lo, self.hi()))
    }

    fn function(&mut self) -> Fallible<Expr> {
        let lo = self.lo();
        self.pos += 1;
        let params = self.params()?;
        self.expect(Tok::LBrace)?;
        let mut body = Vec::new();
        while is_bind_name(self.peek()) {
            body.push(DeclItem::Declaration(self.declaration()?));
            self.eat(Tok::Semi);
        }
        let explicit_return = self.eat(Tok::Kw(Kw::Return));
        let result = self.expr()?;
        self.eat(Tok::Semi);
        self.expect(Tok::RBrace)?;
        let function = Function {
            params,
            body,
            explicit_return,
            result,
        };
        Some(Expr::new(ExprKind::Function(Box::new(function)), lo, self.hi()))
    }

    fn defaction(&mut self) -> Fallible<Expr> {
        let lo = self.lo();
        self.pos += 1;
        let params = self.params()?;
        self.expect(Tok::LBrace)?;
        let body = self.plain_decls()?;
        let actions = if self.starts_action_block() {
            Some(self.action_block()?)
        } else {
            None
        };
        let result = if self.eat(Tok::Kw(Kw::Return)) {
            let result = self.expr()?;
            self.eat(Tok::Semi);
            Some(result)
        } else {
            None
        };
        self.expect(Tok::RBrace)?;
        let defaction = Defaction {
            params,
            body,
            actions,
            result,
        };
        Some(Expr::new(ExprKind::Defaction(Box::new(defaction)), lo, self.hi()))
    }

    fn params(&mut self) -> Fallible<Params> {
        let lo = self.lo();
        self.expect(Tok::LParen)?;
        let items = self.comma(Tok::RParen, |p| {
            let lo = p.lo();
            let (name, default) = if is_bind_name(p.peek()) {
                let name = p.word(is_bind_name)?;
                p.expect(Tok::Eq)?;
                (name, Some(p.expr()?))
            } else {
                (p.word(is_word)?, None)
            };
            let span = p.span_from(lo);
            Some(Param { name, default, span })
        })?;
        Some(Params {
            items,
            span: self.span_from(lo),
        })
    }

    /// `Args`: `(a, name = b)`.
    pub(super) fn args(&mut self) -> Fallible<Args> {
        let lo = self.lo();
        self.expect(Tok::LParen)?;
        let items = self.comma(Tok::RParen, |p| {
            let lo = p.lo();
            let name = if is_bind_name(p.peek()) {
                let name = p.word(is_bind_name)?;
                p.expect(Tok::Eq)?;
                Some(p.b.arg_name(name))
            } else {
                None
            };
            let value = p.expr()?;
            let span = p.span_from(lo);
            Some(ArgItem::Arg(Arg { name, value, span }))
        })?;
        Some(Args {
            items,
            span: self.span_from(lo),
        })
    }

    /// `Declaration`: `name = value`.
    pub(super) fn declaration(&mut self) -> Fallible<Declaration> {
        let lo = self.lo();
        let name = self.word(is_bind_name)?;
        self.expect(Tok::Eq)?;
        let value = self.expr()?;
        let span = self.span_from(lo);
        Some(Declaration { name, value, span })
    }

    /// `DeclItem*` or `PlainDecl*`: declarations, each optionally followed by `;`.
    pub(super) fn plain_decls(&mut self) -> Fallible<Vec<DeclItem>> {
        let mut decls = Vec::new();
        while is_bind_name(self.peek()) {
            decls.push(DeclItem::Declaration(self.declaration()?));
            self.eat(Tok::Semi);
        }
        Some(decls)
    }
}

fn binary_op(tok: Tok<'_>) -> Option<BinaryOp> {
    Some(match tok {
        Tok::OrOr => BinaryOp::Or,
        Tok::AndAnd => BinaryOp::And,
        Tok::EqEq => BinaryOp::Eq,
        Tok::NotEq => BinaryOp::NotEq,
        Tok::Lt => BinaryOp::Lt,
        Tok::LtEq => BinaryOp::LtEq,
        Tok::Gt => BinaryOp::Gt,
        Tok::GtEq => BinaryOp::GtEq,
        Tok::LtEqGt => BinaryOp::Spaceship,
        Tok::Kw(Kw::Cmp) => BinaryOp::Cmp,
        Tok::Kw(Kw::Like) => BinaryOp::Like,
        Tok::GtLt => BinaryOp::Contains,
        Tok::Plus => BinaryOp::Add,
        Tok::Minus => BinaryOp::Sub,
        Tok::Star => BinaryOp::Mul,
        Tok::Slash => BinaryOp::Div,
        Tok::Percent => BinaryOp::Mod,
        _ => return None,
    })
}
