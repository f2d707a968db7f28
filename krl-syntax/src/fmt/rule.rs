//! The ruleset's block structure: header, `meta`, `global`, rules and their sections, action
//! blocks, postludes and statements. Every block is broken, one item per line; blank lines
//! the author left between items are kept (at most one).

use super::Printer;
use super::doc::Doc;
use super::event::names;
use super::expr::{close_pos, decl_item_start};
use crate::ast::*;

impl<'a> Printer<'a> {
    /// The whole file: comments before the ruleset, the ruleset, comments after it.
    pub(crate) fn file(&mut self, ruleset: &'a Ruleset) -> Doc<'a> {
        let start = ruleset.span.start;
        let leading = self.comments.leading(start);
        let gap = if self.comments.blank_before(start) {
            Doc::BlankLine
        } else {
            Doc::nil()
        };
        let body = self.ruleset(ruleset);
        let trailing = self.comments.before(u32::MAX);
        cat![leading, gap, body, trailing]
    }

    fn ruleset(&mut self, ruleset: &'a Ruleset) -> Doc<'a> {
        let rid_comments = self.comments.before(ruleset.rid.span.start);
        let rid = self.slice(ruleset.rid.span);
        let mut block = Vec::new();
        if let Some(version) = &ruleset.version {
            self.block_item(&mut block, version.span.start);
            block.push(cat!["version ", self.slice(version.span)]);
        }
        if let Some(meta) = &ruleset.meta {
            self.block_item(&mut block, meta.span.start);
            block.push(self.meta(meta));
        }
        if let Some(global) = &ruleset.global {
            self.block_item(&mut block, global.span.start);
            let decls = self.decl_block(&global.decls, close_pos(global.span));
            block.push(cat!["global ", decls]);
        }
        for item in &ruleset.rules {
            match item {
                RuleItem::Rule(rule) => {
                    self.block_item(&mut block, rule.span.start);
                    block.push(self.rule(rule));
                }
                RuleItem::Error { span } => {
                    self.block_item(&mut block, span.start);
                    block.push(self.verbatim(*span));
                }
            }
        }
        let body = self.block(block, close_pos(ruleset.span));
        cat!["ruleset ", rid_comments, rid, " ", body]
    }

    fn meta(&mut self, meta: &'a Meta) -> Doc<'a> {
        let mut block = Vec::new();
        for item in &meta.props {
            match item {
                MetaItem::Prop(prop) => {
                    self.block_item(&mut block, prop.span.start);
                    block.push(self.meta_prop(prop));
                }
                MetaItem::Error { span } => {
                    self.block_item(&mut block, span.start);
                    block.push(self.verbatim(*span));
                }
            }
        }
        let body = self.block(block, close_pos(meta.span));
        cat!["meta ", body]
    }

    fn meta_prop(&mut self, prop: &'a MetaProp) -> Doc<'a> {
        let key = prop.key.name.as_str();
        match &prop.kind {
            MetaPropKind::Value { value } => {
                let comments = self.comments.before(value.span.start);
                cat![key, comments, " ", self.expr(value)]
            }
            MetaPropKind::Logging { on } => cat![key, if *on { " on" } else { " off" }],
            MetaPropKind::Key { name, value } => {
                let comments = self.comments.before(value.span.start);
                cat![key, " ", name.name.as_str(), comments, " ", self.expr(value)]
            }
            MetaPropKind::Use { rid, alias, with } => {
                let rid = self.slice(rid.span);
                let alias = match alias {
                    Some(alias) => cat![" alias ", alias.name.as_str()],
                    None => Doc::nil(),
                };
                let mut decls = Vec::new();
                for (idx, item) in with.iter().enumerate() {
                    let start = decl_item_start(item);
                    decls.push(self.comments.trailing(start));
                    decls.push(Doc::Line);
                    decls.push(self.comments.leading(start));
                    decls.push(Doc::text(if idx == 0 { "with " } else { "and " }));
                    decls.push(self.decl_item(item));
                }
                let with = Doc::group(Doc::indent(Doc::concat(decls)));
                cat![key, " module ", rid, alias, with]
            }
            MetaPropKind::ErrorsTo { rid } => cat![key, " to ", self.slice(rid.span)],
            MetaPropKind::Configure { decls } => {
                if let [only] = decls.as_slice()
                    && !self.comments.any_within(prop.span)
                {
                    return cat![key, " using ", self.decl_item(only)];
                }
                let mut block = Vec::new();
                for item in decls {
                    self.block_item(&mut block, decl_item_start(item));
                    block.push(self.decl_item(item));
                }
                cat![key, " using", Doc::indent(Doc::concat(block))]
            }
            MetaPropKind::Provides { names } | MetaPropKind::Shares { names } => {
                cat![key, " ", name_list(names)]
            }
            MetaPropKind::ProvidesKeys { names, to } => {
                let rids: Vec<&str> = to.iter().map(|rid| self.slice(rid.span)).collect();
                cat![key, " keys ", name_list(names), " to ", rids.join(", ")]
            }
        }
    }

    fn rule(&mut self, rule: &'a Rule) -> Doc<'a> {
        let name_comments = self.comments.before(rule.name.span.start);
        let state = match rule.state {
            Some((RuleState::Active, _)) => " is active",
            Some((RuleState::Inactive, _)) => " is inactive",
            None => "",
        };
        let mut block = Vec::new();
        if let Some(select) = &rule.select {
            self.block_item(&mut block, select.span.start);
            block.push(self.select(select));
        }
        for foreach in &rule.foreach {
            self.block_item(&mut block, foreach.span.start);
            let comments = self.comments.before(foreach.collection.span.start);
            let collection = self.expr(&foreach.collection);
            let setting_comments = match foreach.setting.first() {
                Some(first) => self.comments.before(first.span.start),
                None => Doc::nil(),
            };
            block.push(cat![
                "foreach ",
                comments,
                collection,
                " setting(",
                setting_comments,
                names(&foreach.setting),
                ")"
            ]);
        }
        if let Some(pre) = &rule.pre {
            self.block_item(&mut block, pre.span.start);
            let decls = self.decl_block(&pre.decls, close_pos(pre.span));
            block.push(cat!["pre ", decls]);
        }
        if let Some(actions) = &rule.action_block {
            self.block_item(&mut block, actions.span.start);
            block.push(self.action_block(actions));
        }
        if let Some(postlude) = &rule.postlude {
            self.block_item(&mut block, postlude.span.start);
            block.push(self.postlude(postlude));
        }
        let body = self.block(block, close_pos(rule.span));
        cat!["rule ", name_comments, rule.name.name.as_str(), state, " ", body]
    }

    pub(crate) fn action_block(&mut self, block: &'a ActionBlock) -> Doc<'a> {
        let condition = match &block.condition {
            Some(condition) => {
                let comments = self.comments.before(condition.span.start);
                cat!["if ", comments, self.expr(condition), " then "]
            }
            None => Doc::nil(),
        };
        let body = match &block.kind {
            BlockKind::Single => {
                let mut docs = Vec::new();
                for item in &block.actions {
                    docs.push(self.comments.before(action_item_span(item).start));
                    docs.push(self.action_item(item));
                }
                Doc::concat(docs)
            }
            BlockKind::Every => cat!["every ", self.action_list(block)],
            BlockKind::Sample => cat!["sample ", self.action_list(block)],
            BlockKind::Choose { discriminant } => {
                let comments = self.comments.before(discriminant.span.start);
                let discriminant = self.expr(discriminant);
                cat!["choose ", comments, discriminant, " ", self.action_list(block)]
            }
        };
        cat![condition, body]
    }

    fn action_list(&mut self, block: &'a ActionBlock) -> Doc<'a> {
        let mut docs = Vec::new();
        for item in &block.actions {
            self.block_item(&mut docs, action_item_span(item).start);
            docs.push(self.action_item(item));
        }
        self.block(docs, close_pos(block.span))
    }

    fn action_item(&mut self, item: &'a ActionItem) -> Doc<'a> {
        match item {
            ActionItem::Action(action) => self.action(action),
            ActionItem::Error { span } => self.verbatim(*span),
        }
    }

    fn action(&mut self, action: &'a Action) -> Doc<'a> {
        let mut docs = Vec::new();
        if let Some(label) = &action.label {
            docs.push(Doc::text(label.name.as_str()));
            docs.push(Doc::text(" =>"));
            let first = action.domain.as_ref().unwrap_or(&action.name);
            docs.push(self.comments.before(first.span.start));
            docs.push(Doc::text(" "));
        }
        if let Some(domain) = &action.domain {
            docs.push(Doc::text(domain.name.as_str()));
            docs.push(Doc::text(":"));
        }
        docs.push(Doc::text(action.name.name.as_str()));
        docs.push(self.args(&action.args));
        if let Some(first) = action.setting.first() {
            let comments = self.comments.before(first.span.start);
            docs.push(cat![" setting(", comments, names(&action.setting), ")"]);
        }
        Doc::concat(docs)
    }

    fn postlude(&mut self, postlude: &'a Postlude) -> Doc<'a> {
        let first_kw = match postlude.first_kw {
            PostludeKw::Fired => "fired ",
            PostludeKw::Notfired => "notfired ",
            PostludeKw::Always => "always ",
        };
        let mut docs = vec![Doc::text(first_kw), self.stmt_block(&postlude.first)];
        if let Some(block) = &postlude.else_ {
            docs.push(self.comments.before(block.span.start));
            docs.push(Doc::text(" else "));
            docs.push(self.stmt_block(block));
        }
        if let Some(block) = &postlude.finally {
            docs.push(self.comments.before(block.span.start));
            docs.push(Doc::text(" finally "));
            docs.push(self.stmt_block(block));
        }
        Doc::concat(docs)
    }

    fn stmt_block(&mut self, block: &'a StmtBlock) -> Doc<'a> {
        let mut docs = Vec::new();
        for item in &block.stmts {
            match item {
                StmtItem::Statement(stmt) => {
                    self.block_item(&mut docs, stmt.span.start);
                    docs.push(self.statement(stmt));
                }
                StmtItem::Error { span } => {
                    self.block_item(&mut docs, span.start);
                    docs.push(self.verbatim(*span));
                }
            }
        }
        self.block(docs, close_pos(block.span))
    }

    fn statement(&mut self, stmt: &'a Statement) -> Doc<'a> {
        let body = match &stmt.kind {
            StmtKind::PersistentAssignment {
                domain,
                name,
                path,
                value,
            } => {
                let path = self.path_suffix(path.as_ref());
                let comments = self.comments.before(value.span.start);
                cat![
                    domain.name.as_str(),
                    ":",
                    name.name.as_str(),
                    path,
                    " :=",
                    comments,
                    " ",
                    self.expr(value)
                ]
            }
            StmtKind::Clear { domain, name, path } => {
                let comments = self.comments.before(domain.span.start);
                let path = self.path_suffix(path.as_ref());
                cat![
                    "clear ",
                    comments,
                    domain.name.as_str(),
                    ":",
                    name.name.as_str(),
                    path
                ]
            }
            StmtKind::Raise {
                event,
                for_rid,
                attributes,
            } => self.raise(event, for_rid.as_ref(), attributes.as_ref()),
            StmtKind::Schedule {
                event,
                time,
                attributes,
                setting,
            } => self.schedule(event, time, attributes.as_ref(), setting.as_ref()),
            StmtKind::Log {
                level_word, message, ..
            } => self.log_like("log ", level_word, message),
            StmtKind::Error {
                level_word, message, ..
            } => self.log_like("error ", level_word, message),
            StmtKind::Last => Doc::text("last"),
            StmtKind::Declaration(decl) => self.declaration(decl),
        };
        let guard = match &stmt.guard {
            Some(Guard::OnFinal { span }) => {
                let comments = self.comments.before(span.start);
                cat![comments, " on final"]
            }
            Some(Guard::If { condition }) => {
                let comments = self.comments.before(condition.span.start);
                cat![" if", comments, " ", self.expr(condition)]
            }
            None => Doc::nil(),
        };
        cat![body, guard]
    }

    /// `raise d event t for rid attributes a`: the clauses break onto their own lines together.
    fn raise(
        &mut self,
        event: &'a EventRef,
        for_rid: Option<&'a Expr>,
        attributes: Option<&'a Expr>,
    ) -> Doc<'a> {
        let event = self.event_ref(event);
        let mut clauses = Vec::new();
        if let Some(rid) = for_rid {
            clauses.push(self.clause("for ", rid));
        }
        if let Some(attributes) = attributes {
            clauses.push(self.clause("attributes ", attributes));
        }
        cat!["raise ", event, Doc::group(Doc::indent(Doc::concat(clauses)))]
    }

    /// `schedule d event t at|repeat x attributes a setting(id)`, clauses as in [`Self::raise`].
    fn schedule(
        &mut self,
        event: &'a EventRef,
        time: &'a ScheduleTime,
        attributes: Option<&'a Expr>,
        setting: Option<&'a Ident>,
    ) -> Doc<'a> {
        let event = self.event_ref(event);
        let mut clauses = Vec::new();
        clauses.push(match time {
            ScheduleTime::At { time } => self.clause("at ", time),
            ScheduleTime::Repeat { timespec } => self.clause("repeat ", timespec),
        });
        if let Some(attributes) = attributes {
            clauses.push(self.clause("attributes ", attributes));
        }
        if let Some(setting) = setting {
            let comments = self.comments.before(setting.span.start);
            clauses.push(cat![Doc::Line, "setting(", comments, setting.name.as_str(), ")"]);
        }
        cat!["schedule ", event, Doc::group(Doc::indent(Doc::concat(clauses)))]
    }

    /// `log level message` and `error level message`, which differ only in their keyword.
    fn log_like(&mut self, keyword: &'static str, level_word: &'a Ident, message: &'a Expr) -> Doc<'a> {
        let comments = self.comments.before(message.span.start);
        cat![
            keyword,
            level_word.name.as_str(),
            comments,
            " ",
            self.expr(message)
        ]
    }

    /// ` keyword expr` in a raise or schedule statement, on its own line when the statement
    /// is too long.
    fn clause(&mut self, keyword: &'static str, expr: &'a Expr) -> Doc<'a> {
        let trailing = self.comments.trailing(expr.span.start);
        let leading = self.comments.leading(expr.span.start);
        cat![trailing, Doc::Line, leading, keyword, self.expr(expr)]
    }

    fn event_ref(&mut self, event: &'a EventRef) -> Doc<'a> {
        match event {
            EventRef::Static { domain, event_type } => {
                let comments = self.comments.before(domain.span.start);
                let type_comments = self.comments.before(event_type.span.start);
                cat![
                    comments,
                    domain.name.as_str(),
                    " event ",
                    type_comments,
                    self.expr(event_type)
                ]
            }
            EventRef::Dynamic { domain_and_type } => {
                let comments = self.comments.before(domain_and_type.span.start);
                cat!["event ", comments, self.expr(domain_and_type)]
            }
        }
    }

    fn path_suffix(&mut self, path: Option<&'a Expr>) -> Doc<'a> {
        match path {
            Some(path) => {
                let comments = self.comments.before(path.span.start);
                cat!["{", comments, self.expr(path), "}"]
            }
            None => Doc::nil(),
        }
    }
}

fn action_item_span(item: &ActionItem) -> krl_diagnostics::Span {
    match item {
        ActionItem::Action(action) => action.span,
        ActionItem::Error { span } => *span,
    }
}

/// `a, b, c` in `provides`/`shares`: as many names per line as fit, continued on indented
/// lines (each separator is its own group, which gives a fill layout).
fn name_list<'a>(names: &'a [Ident]) -> Doc<'a> {
    let mut docs = Vec::with_capacity(names.len() * 2);
    for (idx, name) in names.iter().enumerate() {
        if idx == 0 {
            docs.push(Doc::text(name.name.as_str()));
        } else {
            docs.push(Doc::text(","));
            docs.push(Doc::group(cat![Doc::Line, name.name.as_str()]));
        }
    }
    Doc::indent(Doc::concat(docs))
}
