//! Expressions: literals verbatim, operators spaced, bracketed lists (arguments, arrays, maps,
//! parameters) flat when they fit and otherwise one item per line with a trailing comma,
//! function and action bodies always broken.

use krl_diagnostics::Span;

use super::Printer;
use super::doc::Doc;
use crate::ast::*;

/// Arguments before a hugged last argument must be this short (printed flat, with separators).
const HUG_PREFIX_MAX: usize = 40;

impl<'a> Printer<'a> {
    pub(crate) fn expr(&mut self, expr: &'a Expr) -> Doc<'a> {
        // One level of a recursion as deep as the source nests (see `krl_syntax::nesting`).
        crate::nesting::with_stack(|| self.expr_unguarded(expr))
    }

    fn expr_unguarded(&mut self, expr: &'a Expr) -> Doc<'a> {
        match &expr.kind {
            ExprKind::Null
            | ExprKind::Boolean { .. }
            | ExprKind::Number { .. }
            | ExprKind::String { .. }
            | ExprKind::RegExp { .. }
            | ExprKind::Identifier { .. }
            | ExprKind::Error => Doc::text(self.slice(expr.span)),
            ExprKind::Chevron { .. } => self.verbatim(expr.span),
            ExprKind::DomainIdentifier { domain, name } => {
                cat![domain.name.as_str(), ":", name.name.as_str()]
            }
            ExprKind::Paren { inner } => {
                let open = self.comments.trailing(inner.span.start);
                let leading = self.comments.leading(inner.span.start);
                let inner_doc = self.expr(inner);
                let close = self.comments.before(close_pos(expr.span));
                cat!["(", open, leading, inner_doc, close, ")"]
            }
            ExprKind::Array { items } => self.list(
                "[",
                items,
                |item| match item {
                    ArrayItem::Item { value } => value.span.start,
                    ArrayItem::Error { span } => span.start,
                },
                |p, item| match item {
                    ArrayItem::Item { value } => p.expr(value),
                    ArrayItem::Error { span } => p.verbatim(*span),
                },
                close_pos(expr.span),
                "]",
                true,
            ),
            ExprKind::Map { items } => self.list(
                "{",
                items,
                |item| match item {
                    MapItem::Entry(entry) => entry.span.start,
                    MapItem::Error { span } => span.start,
                },
                |p, item| match item {
                    MapItem::Entry(entry) => {
                        let key = p.slice(entry.key.span);
                        let comments = p.comments.before(entry.value.span.start);
                        cat![key, ":", comments, " ", p.expr(&entry.value)]
                    }
                    MapItem::Error { span } => p.verbatim(*span),
                },
                close_pos(expr.span),
                "}",
                true,
            ),
            ExprKind::Unary { op, operand } => {
                let op = match op {
                    UnaryOp::Neg => "-",
                    UnaryOp::Plus => "+",
                    UnaryOp::Not => "not ",
                };
                let comments = self.comments.before(operand.span.start);
                cat![op, comments, self.expr(operand)]
            }
            ExprKind::Binary { .. } => self.binary(expr),
            ExprKind::Conditional { test, then, else_ } => {
                let test = self.expr(test);
                let then_doc = self.operand("=> ", then);
                let else_doc = self.operand("| ", else_);
                Doc::group(cat![test, Doc::indent(cat![then_doc, else_doc])])
            }
            ExprKind::Dot { object, domain, name } => {
                let object = self.expr(object);
                let domain = match domain {
                    Some(domain) => cat![domain.name.as_str(), ":"],
                    None => Doc::nil(),
                };
                cat![object, ".", domain, name.name.as_str()]
            }
            ExprKind::Index { object, index } => {
                let object = self.expr(object);
                let inner = self.bracketed(index, close_pos(expr.span));
                cat![object, "[", inner, "]"]
            }
            ExprKind::Path { object, path } => {
                let object = self.expr(object);
                let inner = self.bracketed(path, close_pos(expr.span));
                cat![object, "{", inner, "}"]
            }
            ExprKind::Call { callee, args } => {
                let callee = self.expr(callee);
                cat![callee, self.args(args)]
            }
            ExprKind::Function(function) => self.function(function, expr.span),
            ExprKind::Defaction(defaction) => self.defaction(defaction, expr.span),
        }
    }

    /// Source text copied whole (chevrons, recovered errors); comments inside it are part of
    /// the text.
    pub(crate) fn verbatim(&mut self, span: Span) -> Doc<'a> {
        let before = self.comments.before(span.start);
        self.comments.skip_to(span.end);
        cat![before, self.slice(span)]
    }

    /// An expression between brackets that are not a list (`x[i]`, `x{p}`).
    fn bracketed(&mut self, inner: &'a Expr, close: u32) -> Doc<'a> {
        let before = self.comments.before(inner.span.start);
        let inner = self.expr(inner);
        let after = self.comments.before(close);
        cat![before, inner, after]
    }

    /// `op operand` on a new line when the enclosing group breaks, comments first.
    fn operand(&mut self, op: &'static str, operand: &'a Expr) -> Doc<'a> {
        let trailing = self.comments.trailing(operand.span.start);
        let leading = self.comments.leading(operand.span.start);
        cat![trailing, Doc::Line, leading, op, self.expr(operand)]
    }

    /// A chain of operators of one binding power, broken before each operator when too long.
    fn binary(&mut self, expr: &'a Expr) -> Doc<'a> {
        let mut rights = Vec::new();
        let mut first = expr;
        let mut level = None;
        while let ExprKind::Binary { op, left, right } = &first.kind {
            if level.is_some_and(|bp| bp != op.binding_power()) {
                break;
            }
            level = Some(op.binding_power());
            rights.push((*op, &**right));
            first = left;
        }
        let first = self.expr(first);
        let mut rest = Vec::with_capacity(rights.len());
        for (op, right) in rights.into_iter().rev() {
            rest.push(self.operand(op_text(op), right));
        }
        Doc::group(cat![first, Doc::indent(Doc::concat(rest))])
    }

    /// Arguments of a call or action. A last argument that is a map, array or function
    /// literal hugs the parentheses (`f(x, {` ... `})`) when the arguments before it are short.
    pub(crate) fn args(&mut self, args: &'a Args) -> Doc<'a> {
        if let Some(doc) = self.hugged_args(args) {
            return doc;
        }
        self.list(
            "(",
            &args.items,
            |item| match item {
                ArgItem::Arg(arg) => arg.span.start,
                ArgItem::Error { span } => span.start,
            },
            |p, item| match item {
                ArgItem::Arg(arg) => p.arg(arg),
                ArgItem::Error { span } => p.verbatim(*span),
            },
            close_pos(args.span),
            ")",
            true,
        )
    }

    fn arg(&mut self, arg: &'a Arg) -> Doc<'a> {
        match &arg.name {
            Some(name) => {
                let comments = self.comments.before(arg.value.span.start);
                cat![name.name.as_str(), " =", comments, " ", self.expr(&arg.value)]
            }
            None => self.expr(&arg.value),
        }
    }

    fn hugged_args(&mut self, args: &'a Args) -> Option<Doc<'a>> {
        let mut parsed = Vec::with_capacity(args.items.len());
        for item in &args.items {
            match item {
                ArgItem::Arg(arg) => parsed.push(arg),
                ArgItem::Error { .. } => return None,
            }
        }
        let (last, init) = parsed.split_last()?;
        let huggable = match &last.value.kind {
            ExprKind::Map { items } => !items.is_empty(),
            ExprKind::Array { items } => !items.is_empty(),
            ExprKind::Function(_) | ExprKind::Defaction(_) => true,
            _ => false,
        };
        if !huggable
            || !init.iter().all(|arg| is_simple(&arg.value))
            || self
                .comments
                .any_within(Span::new(args.span.start, last.value.span.start))
            || self
                .comments
                .any_within(Span::new(last.value.span.end, args.span.end))
        {
            return None;
        }
        // The arguments before the last have no comments, so printing them takes none.
        let init_docs: Vec<Doc<'a>> = init.iter().map(|arg| self.arg(arg)).collect();
        let prefix_width = init_docs
            .iter()
            .map(|doc| doc.flat_width().map(|w| w + 2))
            .sum::<Option<usize>>();
        if prefix_width.is_none_or(|width| width > HUG_PREFIX_MAX) {
            return None;
        }
        let mut docs = vec![Doc::text("(")];
        for doc in init_docs {
            docs.push(doc);
            docs.push(Doc::text(", "));
        }
        docs.push(self.arg(last));
        docs.push(Doc::text(")"));
        Some(Doc::concat(docs))
    }

    /// A bracketed, comma-separated list: flat when it fits, else one item per line (with a
    /// trailing comma when `trailing_comma`). `close` is the offset of the closing bracket.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn list<T>(
        &mut self,
        open: &'static str,
        items: &'a [T],
        start: impl Fn(&'a T) -> u32,
        mut item: impl FnMut(&mut Self, &'a T) -> Doc<'a>,
        close: u32,
        close_text: &'static str,
        trailing_comma: bool,
    ) -> Doc<'a> {
        if items.is_empty() && !self.comments.any_before(close) {
            return cat![open, close_text];
        }
        let mut head = vec![Doc::text(open)];
        let mut inner = Vec::with_capacity(items.len() * 4 + 3);
        for (idx, it) in items.iter().enumerate() {
            let pos = start(it);
            if idx == 0 {
                head.push(self.comments.trailing(pos));
                inner.push(Doc::SoftLine);
            } else {
                inner.push(Doc::text(","));
                inner.push(self.comments.trailing(pos));
                inner.push(Doc::Line);
            }
            inner.push(self.comments.leading(pos));
            inner.push(item(self, it));
        }
        if items.is_empty() {
            head.push(self.comments.trailing(close));
        } else {
            if trailing_comma {
                inner.push(Doc::if_break(Doc::text(",")));
            }
            inner.push(self.comments.trailing(close));
        }
        inner.push(self.comments.leading(close));
        Doc::group(cat![
            Doc::concat(head),
            Doc::indent(Doc::concat(inner)),
            Doc::SoftLine,
            close_text,
        ])
    }

    fn params(&mut self, params: &'a Params) -> Doc<'a> {
        self.list(
            "(",
            &params.items,
            |param| param.span.start,
            |p, param| match &param.default {
                Some(default) => {
                    let comments = p.comments.before(default.span.start);
                    cat![param.name.name.as_str(), " =", comments, " ", p.expr(default)]
                }
                None => Doc::text(param.name.name.as_str()),
            },
            close_pos(params.span),
            ")",
            true,
        )
    }

    /// `name = value`.
    pub(crate) fn declaration(&mut self, decl: &'a Declaration) -> Doc<'a> {
        let comments = self.comments.before(decl.value.span.start);
        cat![
            decl.name.name.as_str(),
            " =",
            comments,
            " ",
            self.expr(&decl.value)
        ]
    }

    pub(crate) fn decl_item(&mut self, item: &'a DeclItem) -> Doc<'a> {
        match item {
            DeclItem::Declaration(decl) => self.declaration(decl),
            DeclItem::Error { span } => self.verbatim(*span),
        }
    }

    /// Comments and the line break (blank when the author left one) before a block item.
    pub(crate) fn block_item(&mut self, block: &mut Vec<Doc<'a>>, start: u32) {
        block.push(self.comments.trailing(start));
        block.push(self.comments.leading(start));
        block.push(if self.comments.blank_before(start) {
            Doc::BlankLine
        } else {
            Doc::HardLine
        });
    }

    /// Closes a block begun with [`block_item`](Self::block_item)s: `{}` when empty, else the
    /// items indented between braces. `close` is the offset of the `}`.
    pub(crate) fn block(&mut self, mut block: Vec<Doc<'a>>, close: u32) -> Doc<'a> {
        block.push(self.comments.trailing(close));
        block.push(self.comments.leading(close));
        if block.iter().all(Doc::is_empty) {
            return Doc::text("{}");
        }
        cat!["{", Doc::indent(Doc::concat(block)), Doc::HardLine, "}"]
    }

    /// A list of declarations as a block body.
    pub(crate) fn decl_block(&mut self, decls: &'a [DeclItem], close: u32) -> Doc<'a> {
        let mut block = Vec::new();
        for item in decls {
            self.block_item(&mut block, decl_item_start(item));
            block.push(self.decl_item(item));
        }
        self.block(block, close)
    }

    fn function(&mut self, function: &'a Function, span: Span) -> Doc<'a> {
        let params = self.params(&function.params);
        let mut block = Vec::new();
        for item in &function.body {
            self.block_item(&mut block, decl_item_start(item));
            block.push(self.decl_item(item));
        }
        // §2.9: without `;` a result starting with `(`, `[`, `{`, `-` or `+` would continue
        // the last declaration's value, and one starting with a regex would turn a word
        // ending that value into an attribute name (the lexer's `attrname` lookahead).
        if !function.body.is_empty()
            && !function.explicit_return
            && needs_separator(self.src, &function.result)
        {
            block.push(Doc::text(";"));
        }
        self.block_item(&mut block, function.result.span.start);
        if function.explicit_return {
            block.push(Doc::text("return "));
        }
        block.push(self.expr(&function.result));
        let body = self.block(block, close_pos(span));
        cat!["function", params, " ", body]
    }

    fn defaction(&mut self, defaction: &'a Defaction, span: Span) -> Doc<'a> {
        let params = self.params(&defaction.params);
        let mut block = Vec::new();
        for item in &defaction.body {
            self.block_item(&mut block, decl_item_start(item));
            block.push(self.decl_item(item));
        }
        if let Some(actions) = &defaction.actions {
            self.block_item(&mut block, actions.span.start);
            block.push(self.action_block(actions));
        }
        if let Some(result) = &defaction.result {
            self.block_item(&mut block, result.span.start);
            block.push(Doc::text("return "));
            block.push(self.expr(result));
        }
        let body = self.block(block, close_pos(span));
        cat!["defaction", params, " ", body]
    }
}

/// The offset of the closing bracket of a node that ends with one.
pub(crate) fn close_pos(span: Span) -> u32 {
    span.end.saturating_sub(1).max(span.start)
}

pub(crate) fn decl_item_start(item: &DeclItem) -> u32 {
    match item {
        DeclItem::Declaration(decl) => decl.span.start,
        DeclItem::Error { span } => span.start,
    }
}

fn op_text(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Or => "|| ",
        BinaryOp::And => "&& ",
        BinaryOp::Eq => "== ",
        BinaryOp::NotEq => "!= ",
        BinaryOp::Lt => "< ",
        BinaryOp::LtEq => "<= ",
        BinaryOp::Gt => "> ",
        BinaryOp::GtEq => ">= ",
        BinaryOp::Spaceship => "<=> ",
        BinaryOp::Cmp => "cmp ",
        BinaryOp::Like => "like ",
        BinaryOp::Contains => ">< ",
        BinaryOp::Add => "+ ",
        BinaryOp::Sub => "- ",
        BinaryOp::Mul => "* ",
        BinaryOp::Div => "/ ",
        BinaryOp::Mod => "% ",
    }
}

/// Whether the expression's first token could join a preceding expression.
fn needs_separator(src: &str, expr: &Expr) -> bool {
    let mut expr = expr;
    loop {
        expr = match &expr.kind {
            ExprKind::Paren { .. }
            | ExprKind::Array { .. }
            | ExprKind::Map { .. }
            | ExprKind::RegExp { .. } => return true,
            ExprKind::Number { .. } => {
                return src
                    .get(expr.span.start as usize..)
                    .is_some_and(|rest| rest.starts_with('.'));
            }
            ExprKind::Unary { op, .. } => return matches!(op, UnaryOp::Neg | UnaryOp::Plus),
            ExprKind::Binary { left, .. } => left,
            ExprKind::Conditional { test, .. } => test,
            ExprKind::Dot { object, .. } | ExprKind::Index { object, .. } | ExprKind::Path { object, .. } => {
                object
            }
            ExprKind::Call { callee, .. } => callee,
            _ => return false,
        };
    }
}

/// Short arguments that may precede a hugged last argument.
fn is_simple(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Null
        | ExprKind::Boolean { .. }
        | ExprKind::Number { .. }
        | ExprKind::String { .. }
        | ExprKind::Identifier { .. }
        | ExprKind::DomainIdentifier { .. } => true,
        ExprKind::Dot { object, .. } => is_simple(object),
        _ => false,
    }
}
