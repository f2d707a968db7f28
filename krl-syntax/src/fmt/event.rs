//! Event expressions (`select when ...`), laid out by operator: a chain of one infix operator
//! (`a b or c d or e f`) stays on one line when it fits and otherwise puts each operand on
//! its own line, operator first; prefix forms (`and(...)`, `any 2 (...)`) break like argument
//! lists (without trailing commas, which the grammar does not allow there).

use super::Printer;
use super::doc::Doc;
use super::expr::close_pos;
use crate::ast::*;

impl<'a> Printer<'a> {
    pub(crate) fn select(&mut self, select: &'a Select) -> Doc<'a> {
        match &select.kind {
            SelectKind::When { event, within } => {
                let comments = self.comments.before(event.span.start);
                let event = self.event(event);
                let within = match within {
                    Some(within) => {
                        let amount = self.operand_doc(&within.amount);
                        let unit_comments = self.comments.before(within.unit_word.span.start);
                        Doc::group(Doc::indent(cat![
                            Doc::Line,
                            "within ",
                            amount,
                            unit_comments,
                            " ",
                            within.unit_word.name.as_str(),
                        ]))
                    }
                    None => Doc::nil(),
                };
                cat!["select when ", comments, event, within]
            }
            SelectKind::Where { condition } => {
                let comments = self.comments.before(condition.span.start);
                cat!["select where ", comments, self.expr(condition)]
            }
        }
    }

    fn operand_doc(&mut self, expr: &'a Expr) -> Doc<'a> {
        let comments = self.comments.before(expr.span.start);
        cat![comments, self.expr(expr)]
    }

    pub(crate) fn event(&mut self, event: &'a EventExpr) -> Doc<'a> {
        // One level of a recursion as deep as the source nests (see `krl_syntax::nesting`).
        crate::nesting::with_stack(|| self.event_unguarded(event))
    }

    fn event_unguarded(&mut self, event: &'a EventExpr) -> Doc<'a> {
        match &event.kind {
            EventExprKind::Event(base) => self.base_event(base),
            EventExprKind::Op {
                op,
                args,
                prefix: true,
            } => {
                let list = self.event_list(args, close_pos(event.span));
                cat![op_word(*op), list]
            }
            EventExprKind::Op {
                op: op @ (EventOp::Between | EventOp::NotBetween),
                args,
                prefix: false,
            } => match args.as_slice() {
                [subject, _, _] => {
                    let subject = self.event(subject);
                    let list = self.event_list(&args[1..], close_pos(event.span));
                    let word = if *op == EventOp::Between {
                        " between"
                    } else {
                        " not between"
                    };
                    cat![subject, word, list]
                }
                _ => self.verbatim(event.span),
            },
            EventExprKind::Op {
                op,
                args,
                prefix: false,
            } => self.event_chain(*op, event, args),
            EventExprKind::Any { n, args, .. } => {
                let list = self.event_list(args, close_pos(event.span));
                cat![format!("any {n} "), list]
            }
            EventExprKind::Group {
                op,
                n,
                event: inner,
                aggregator,
                ..
            } => {
                let word = match op {
                    GroupOp::Count => "count",
                    GroupOp::Repeat => "repeat",
                };
                let before = self.comments.before(inner.span.start);
                let inner_doc = self.event(inner);
                // Comments between the event and `)` come out before the aggregator when there
                // is one (the `)` has no span of its own).
                let close = match aggregator {
                    Some(_) => Doc::nil(),
                    None => self.comments.before(close_pos(event.span)),
                };
                let aggregator = match aggregator {
                    Some(aggregator) => {
                        let comments = self.comments.before(aggregator.span.start);
                        let word = match aggregator.op {
                            AggregatorOp::Max => "max",
                            AggregatorOp::Min => "min",
                            AggregatorOp::Sum => "sum",
                            AggregatorOp::Avg => "avg",
                            AggregatorOp::Push => "push",
                        };
                        cat![comments, " ", word, "(", names(&aggregator.vars), ")"]
                    }
                    None => Doc::nil(),
                };
                cat![format!("{word} {n} ("), before, inner_doc, close, ")", aggregator]
            }
            EventExprKind::Paren { inner } => {
                let before = self.comments.before(inner.span.start);
                let inner_doc = self.event(inner);
                let close = self.comments.before(close_pos(event.span));
                cat!["(", before, inner_doc, close, ")"]
            }
            EventExprKind::Error => self.verbatim(event.span),
        }
    }

    /// `a or b or c`: the left-nested chain of one operator, flattened.
    fn event_chain(&mut self, op: EventOp, event: &'a EventExpr, args: &'a [EventExpr]) -> Doc<'a> {
        let mut rights = Vec::new();
        let mut first;
        let mut current = args;
        loop {
            match current {
                [left, right] => {
                    rights.push(right);
                    first = left;
                    current = match &left.kind {
                        EventExprKind::Op {
                            op: inner,
                            args,
                            prefix: false,
                        } if *inner == op => args,
                        _ => break,
                    };
                }
                _ => return self.verbatim(event.span),
            }
        }
        let first = self.event(first);
        let mut rest = Vec::with_capacity(rights.len());
        for right in rights.into_iter().rev() {
            let trailing = self.comments.trailing(right.span.start);
            let leading = self.comments.leading(right.span.start);
            rest.push(cat![
                trailing,
                Doc::Line,
                leading,
                op_word(op),
                " ",
                self.event(right)
            ]);
        }
        Doc::group(cat![first, Doc::indent(Doc::concat(rest))])
    }

    fn event_list(&mut self, args: &'a [EventExpr], close: u32) -> Doc<'a> {
        self.list(
            "(",
            args,
            |arg| arg.span.start,
            |p, arg| p.event(arg),
            close,
            ")",
            false,
        )
    }

    fn base_event(&mut self, base: &'a BaseEvent) -> Doc<'a> {
        let mut docs = vec![Doc::text(base.domain.name.as_str())];
        docs.push(self.comments.before(base.event_type.span.start));
        docs.push(Doc::text(" "));
        docs.push(Doc::text(base.event_type.name.as_str()));
        for attr in &base.attrs {
            docs.push(self.comments.before(attr.span.start));
            docs.push(Doc::text(" "));
            docs.push(Doc::text(attr.name.name.as_str()));
            docs.push(self.comments.before(attr.regex.span.start));
            docs.push(Doc::text(" "));
            docs.push(Doc::text(self.slice(attr.regex.span)));
        }
        let setting = |p: &mut Printer<'a>| -> Doc<'a> {
            if base.setting.is_empty() {
                return Doc::nil();
            }
            let comments = p.comments.before(base.setting[0].span.start);
            cat![" setting(", comments, names(&base.setting), ")"]
        };
        if base.where_before_setting {
            docs.push(self.where_clause(base.where_.as_ref()));
            docs.push(setting(self));
        } else {
            docs.push(setting(self));
            docs.push(self.where_clause(base.where_.as_ref()));
        }
        Doc::concat(docs)
    }

    fn where_clause(&mut self, condition: Option<&'a Expr>) -> Doc<'a> {
        match condition {
            Some(condition) => {
                let comments = self.comments.before(condition.span.start);
                cat![" where ", comments, self.expr(condition)]
            }
            None => Doc::nil(),
        }
    }
}

fn op_word(op: EventOp) -> &'static str {
    match op {
        EventOp::Or => "or",
        EventOp::And => "and",
        EventOp::Before => "before",
        EventOp::Then => "then",
        EventOp::After => "after",
        EventOp::Between => "between",
        EventOp::NotBetween => "not between",
    }
}

/// `a, b, c`: names in `setting(...)` and aggregators.
pub(crate) fn names<'a>(names: &'a [Ident]) -> Doc<'a> {
    let joined = names
        .iter()
        .map(|name| name.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    Doc::text(joined)
}
