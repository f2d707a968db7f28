//! Event expressions, loosest first: `or`, `and`, `before`/`then`/`after`, `between`, then
//! the primaries (one event, a parenthesised expression, prefix operators, `any`, `count`
//! and `repeat` groups).

use crate::ast::*;
use crate::parser::event_op;
use crate::token::{Kw, Tok};

use super::{Fallible, Parser, is_any_word, is_name};

impl Parser<'_, '_> {
    /// `EventExpr`.
    pub(super) fn event_expr(&mut self) -> Fallible<EventExpr> {
        self.nested(|p| p.event_binary(0))
    }

    /// The left-associative infix levels: `or` (level 0), `and` (1), the sequence operators (2).
    fn event_binary(&mut self, level: u8) -> Fallible<EventExpr> {
        let lo = self.lo();
        let operand = |p: &mut Self| {
            if level == 2 {
                p.event_between()
            } else {
                p.event_binary(level + 1)
            }
        };
        let mut left = operand(self)?;
        loop {
            let op = match (level, self.peek()) {
                (0, Tok::Kw(Kw::Or)) => EventOp::Or,
                (1, Tok::Kw(Kw::And)) => EventOp::And,
                (2, Tok::Kw(Kw::Before)) => EventOp::Before,
                (2, Tok::Kw(Kw::Then)) => EventOp::Then,
                (2, Tok::Kw(Kw::After)) => EventOp::After,
                _ => return Some(left),
            };
            self.pos += 1;
            let right = operand(self)?;
            left = *event_op(op, vec![left, right], false, self.span_from(lo));
        }
    }

    /// `EventBetween`: `e between(a, b)` and `e not between(a, b)`.
    fn event_between(&mut self) -> Fallible<EventExpr> {
        let lo = self.lo();
        let mut event = self.event_primary()?;
        loop {
            let op = match (self.peek(), self.peek_at(1)) {
                (Tok::Kw(Kw::Between), _) => {
                    self.pos += 1;
                    EventOp::Between
                }
                (Tok::Kw(Kw::Not), Tok::Kw(Kw::Between)) => {
                    self.pos += 2;
                    EventOp::NotBetween
                }
                _ => return Some(event),
            };
            self.expect(Tok::LParen)?;
            let first = self.event_expr()?;
            self.expect(Tok::Comma)?;
            let second = self.event_expr()?;
            self.expect(Tok::RParen)?;
            event = *event_op(op, vec![event, first, second], false, self.span_from(lo));
        }
    }

    fn event_primary(&mut self) -> Fallible<EventExpr> {
        let lo = self.lo();
        let prefix_op = match self.peek() {
            Tok::Kw(Kw::Or) => Some(EventOp::Or),
            Tok::Kw(Kw::And) => Some(EventOp::And),
            Tok::Kw(Kw::Before) => Some(EventOp::Before),
            Tok::Kw(Kw::Then) => Some(EventOp::Then),
            Tok::Kw(Kw::After) => Some(EventOp::After),
            _ => None,
        };
        if let Some(op) = prefix_op {
            self.pos += 1;
            let args = self.event_args()?;
            return Some(*event_op(op, args, true, self.span_from(lo)));
        }
        let kind = match self.peek() {
            Tok::LParen => {
                self.pos += 1;
                let inner = self.event_expr()?;
                self.expect(Tok::RParen)?;
                EventExprKind::Paren {
                    inner: Box::new(inner),
                }
            }
            Tok::Kw(Kw::Any) => {
                self.pos += 1;
                let (n, n_span) = self.positive_int()?;
                EventExprKind::Any {
                    n,
                    n_span,
                    args: self.event_args()?,
                }
            }
            Tok::Kw(Kw::Count) => self.group(GroupOp::Count)?,
            Tok::Kw(Kw::Repeat) => self.group(GroupOp::Repeat)?,
            Tok::Kw(Kw::Return | Kw::Setting) => EventExprKind::Event(self.base_event(|_| true)?),
            _ => EventExprKind::Event(self.base_event(is_name)?),
        };
        Some(EventExpr {
            kind,
            span: self.span_from(lo),
        })
    }

    /// `( a, b, ... )` after a prefix operator or `any n`.
    fn event_args(&mut self) -> Fallible<Vec<EventExpr>> {
        self.expect(Tok::LParen)?;
        let args = self.comma1(Parser::event_expr)?;
        self.expect(Tok::RParen)?;
        Some(args)
    }

    fn positive_int(&mut self) -> Fallible<(u32, krl_diagnostics::Span)> {
        let Tok::Number(raw) = self.peek() else {
            return None;
        };
        let token = self.bump();
        Some(self.b.positive_int(raw, token.span.start, token.span.end))
    }

    /// After `count`/`repeat`: `n (event) aggregator(vars)?`.
    fn group(&mut self, op: GroupOp) -> Fallible<EventExprKind> {
        self.pos += 1;
        let (n, n_span) = self.positive_int()?;
        self.expect(Tok::LParen)?;
        let event_lo = self.lo();
        let event = self.base_event(is_any_word)?;
        let event = EventExpr {
            kind: EventExprKind::Event(event),
            span: self.span_from(event_lo),
        };
        self.expect(Tok::RParen)?;
        let aggregator = self.aggregator()?;
        Some(EventExprKind::Group {
            op,
            n,
            n_span,
            event: Box::new(event),
            aggregator,
        })
    }

    fn aggregator(&mut self) -> Fallible<Option<Aggregator>> {
        let lo = self.lo();
        let op = match self.peek() {
            Tok::Kw(Kw::Max) => AggregatorOp::Max,
            Tok::Kw(Kw::Min) => AggregatorOp::Min,
            Tok::Kw(Kw::Sum) => AggregatorOp::Sum,
            Tok::Kw(Kw::Avg) => AggregatorOp::Avg,
            Tok::Kw(Kw::Push) => AggregatorOp::Push,
            _ => return Some(None),
        };
        self.pos += 1;
        self.expect(Tok::LParen)?;
        let vars = self.comma1(|p| p.word(is_name))?;
        self.expect(Tok::RParen)?;
        Some(Some(Aggregator {
            op,
            vars,
            span: self.span_from(lo),
        }))
    }

    /// `domain type attr re#..# ... where cond setting(a, b)`; `domain` is a word `class` accepts.
    fn base_event(&mut self, domain: fn(Tok<'_>) -> bool) -> Fallible<BaseEvent> {
        let domain = self.word(domain)?;
        self.eat(Tok::Colon);
        let event_type = self.word(is_any_word)?;
        let mut attrs = Vec::new();
        while let (Tok::AttrName(_), Tok::Regex(raw)) = (self.peek(), self.peek_at(1)) {
            let lo = self.lo();
            let name = self.word(|_| true)?;
            let regex_lo = self.lo();
            self.pos += 1;
            let regex = self.b.regex(raw, regex_lo, self.hi());
            attrs.push(AttrMatch {
                name,
                regex,
                span: self.span_from(lo),
            });
        }
        let (where_before_setting, where_, setting) = match self.peek() {
            Tok::Kw(Kw::Where) => {
                self.pos += 1;
                let condition = self.expr()?;
                if self.at_kw(Kw::Setting) {
                    (true, Some(condition), self.setting()?)
                } else {
                    (false, Some(condition), Vec::new())
                }
            }
            Tok::Kw(Kw::Setting) => {
                let setting = self.setting()?;
                let condition = if self.eat(Tok::Kw(Kw::Where)) {
                    Some(self.expr()?)
                } else {
                    None
                };
                (false, condition, setting)
            }
            _ => (false, None, Vec::new()),
        };
        Some(BaseEvent {
            domain,
            event_type,
            attrs,
            where_before_setting,
            where_,
            setting,
        })
    }
}
