//! The KRL syntax tree. Every node has a span; names follow pico-engine's krl-parser node
//! types (`Ruleset`, `Rule`, `EventExpression`, `ActionBlock`, `RulePostlude`, ...).
//!
//! Lists that the parser recovers in (rules, meta properties, declarations, actions,
//! statements, arguments, array and map items) hold `Error` entries where input was skipped,
//! so the well-formed items around a mistake survive. Parentheses are kept as `Paren` nodes so
//! the formatter can reproduce them. The JSON form (`krl parse --json`) is the serde form of
//! these types: every enum is tagged with `"type"`.

// Trees are built once and then walked; boxing the large variants would add indirection
// on every walk to save memory that a parse never has much of.
#![allow(clippy::large_enum_variant)]

pub use compact_str::CompactString as Name;
use krl_diagnostics::Span;
use serde::Serialize;

/// A name as written, with its place.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ident {
    /// Inline up to 24 bytes, so most names cost no allocation.
    pub name: Name,
    pub span: Span,
}

impl Ident {
    pub fn new(name: impl Into<Name>, lo: u32, hi: u32) -> Ident {
        Ident {
            name: name.into(),
            span: Span::new(lo, hi),
        }
    }
}

/// A string literal: its decoded value and its span (the raw text is `span.text(src)`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StrLit {
    pub value: String,
    pub span: Span,
}

/// A ruleset id such as `io.picolabs.wrangler`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rid {
    pub name: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ruleset {
    pub rid: Rid,
    /// The legacy `version "x"` directly in the ruleset body.
    pub version: Option<StrLit>,
    pub meta: Option<Meta>,
    pub global: Option<Global>,
    pub rules: Vec<RuleItem>,
    pub span: Span,
}

impl Ruleset {
    /// A file that holds no ruleset at all: only comments or whitespace.
    pub fn is_empty(&self) -> bool {
        self.rid.name.is_empty() && self.meta.is_none() && self.global.is_none() && self.rules.is_empty()
    }

    /// The rules that parsed, skipping recovered errors.
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().filter_map(|item| match item {
            RuleItem::Rule(rule) => Some(rule),
            RuleItem::Error { .. } => None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum RuleItem {
    Rule(Rule),
    Error { span: Span },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Meta {
    pub props: Vec<MetaItem>,
    pub span: Span,
}

impl Meta {
    pub fn props(&self) -> impl Iterator<Item = &MetaProp> {
        self.props.iter().filter_map(|item| match item {
            MetaItem::Prop(prop) => Some(prop),
            MetaItem::Error { .. } => None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum MetaItem {
    Prop(MetaProp),
    Error { span: Span },
}

/// One property of the `meta` block. `key` is the keyword as written (`shares` or `share`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetaProp {
    pub key: Ident,
    #[serde(flatten)]
    pub kind: MetaPropKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum MetaPropKind {
    /// `name`, `description`, `author` or `version` with its value.
    Value {
        value: Expr,
    },
    Logging {
        on: bool,
    },
    /// Legacy `key name value` / `keys name value`.
    Key {
        name: Ident,
        value: Expr,
    },
    Use {
        rid: Rid,
        alias: Option<Ident>,
        with: Vec<DeclItem>,
    },
    /// Legacy `errors to rid`.
    ErrorsTo {
        rid: Rid,
    },
    Configure {
        decls: Vec<DeclItem>,
    },
    Provides {
        names: Vec<Ident>,
    },
    /// Legacy `provides keys a, b to rid, ...`.
    ProvidesKeys {
        names: Vec<Ident>,
        to: Vec<Rid>,
    },
    Shares {
        names: Vec<Ident>,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Global {
    pub decls: Vec<DeclItem>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum DeclItem {
    Declaration(Declaration),
    Error { span: Span },
}

/// `name = value`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Declaration {
    pub name: Ident,
    pub value: Expr,
    pub span: Span,
}

/// Iterates the declarations of a recovered list.
pub fn declarations(items: &[DeclItem]) -> impl Iterator<Item = &Declaration> {
    items.iter().filter_map(|item| match item {
        DeclItem::Declaration(decl) => Some(decl),
        DeclItem::Error { .. } => None,
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleState {
    Active,
    Inactive,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rule {
    pub name: Ident,
    /// `is active` / `is inactive` when written.
    pub state: Option<(RuleState, Span)>,
    pub select: Option<Select>,
    pub foreach: Vec<Foreach>,
    pub pre: Option<Pre>,
    pub action_block: Option<ActionBlock>,
    pub postlude: Option<Postlude>,
    pub span: Span,
}

impl Rule {
    pub fn is_active(&self) -> bool {
        !matches!(self.state, Some((RuleState::Inactive, _)))
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Select {
    #[serde(flatten)]
    pub kind: SelectKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum SelectKind {
    When {
        event: EventExpr,
        within: Option<Within>,
    },
    Where {
        condition: Expr,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

impl TimeUnit {
    /// Accepts the singular and plural spellings.
    pub fn from_word(word: &str) -> Option<TimeUnit> {
        Some(match word.strip_suffix('s').unwrap_or(word) {
            "second" => TimeUnit::Second,
            "minute" => TimeUnit::Minute,
            "hour" => TimeUnit::Hour,
            "day" => TimeUnit::Day,
            "week" => TimeUnit::Week,
            "month" => TimeUnit::Month,
            "year" => TimeUnit::Year,
            _ => return None,
        })
    }

    /// Matches pico-engine: a month is 30 days and a year 365 days.
    pub fn millis(self) -> f64 {
        const DAY: f64 = 86_400_000.0;
        match self {
            TimeUnit::Second => 1_000.0,
            TimeUnit::Minute => 60_000.0,
            TimeUnit::Hour => 3_600_000.0,
            TimeUnit::Day => DAY,
            TimeUnit::Week => 7.0 * DAY,
            TimeUnit::Month => 30.0 * DAY,
            TimeUnit::Year => 365.0 * DAY,
        }
    }
}

/// `within amount unit`; `unit` is `None` when the word is not a time unit (already reported).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Within {
    pub amount: Expr,
    pub unit: Option<TimeUnit>,
    pub unit_word: Ident,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EventExpr {
    #[serde(flatten)]
    pub kind: EventExprKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventOp {
    Or,
    And,
    Before,
    Then,
    After,
    Between,
    NotBetween,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupOp {
    Count,
    Repeat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AggregatorOp {
    Max,
    Min,
    Sum,
    Avg,
    Push,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum EventExprKind {
    /// One event: `domain type attr re#..# ... where cond setting(a, b)`.
    Event(BaseEvent),
    /// `a or b` (infix, `prefix == false`) or `or(a, b, c)` (prefix). For `between` and
    /// `not between` the args are the event, then the two bounds.
    Op {
        op: EventOp,
        args: Vec<EventExpr>,
        prefix: bool,
    },
    /// `any n (a, b, ...)`.
    Any {
        n: u32,
        n_span: Span,
        args: Vec<EventExpr>,
    },
    /// `count n (event) max(m)` / `repeat n (...)`.
    Group {
        op: GroupOp,
        n: u32,
        n_span: Span,
        event: Box<EventExpr>,
        aggregator: Option<Aggregator>,
    },
    Paren {
        inner: Box<EventExpr>,
    },
    Error,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BaseEvent {
    pub domain: Ident,
    pub event_type: Ident,
    pub attrs: Vec<AttrMatch>,
    /// `where` written before `setting` (deprecated, kept for the formatter and lints).
    pub where_before_setting: bool,
    pub where_: Option<Expr>,
    pub setting: Vec<Ident>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AttrMatch {
    pub name: Ident,
    pub regex: RegexLit,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Aggregator {
    pub op: AggregatorOp,
    pub vars: Vec<Ident>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RegexLit {
    pub pattern: String,
    pub flags: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Foreach {
    pub collection: Expr,
    pub setting: Vec<Ident>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pre {
    pub decls: Vec<DeclItem>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum BlockKind {
    /// One bare action.
    Single,
    Every,
    Sample,
    Choose {
        discriminant: Expr,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ActionBlock {
    pub condition: Option<Expr>,
    #[serde(flatten)]
    pub kind: BlockKind,
    pub actions: Vec<ActionItem>,
    pub span: Span,
}

impl ActionBlock {
    pub fn actions(&self) -> impl Iterator<Item = &Action> {
        self.actions.iter().filter_map(|item| match item {
            ActionItem::Action(action) => Some(action),
            ActionItem::Error { .. } => None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum ActionItem {
    Action(Action),
    Error { span: Span },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Action {
    pub label: Option<Ident>,
    /// The module alias in `http:post(...)`.
    pub domain: Option<Ident>,
    pub name: Ident,
    pub args: Args,
    pub setting: Vec<Ident>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Args {
    pub items: Vec<ArgItem>,
    pub span: Span,
}

impl Args {
    pub fn args(&self) -> impl Iterator<Item = &Arg> {
        self.items.iter().filter_map(|item| match item {
            ArgItem::Arg(arg) => Some(arg),
            ArgItem::Error { .. } => None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum ArgItem {
    Arg(Arg),
    Error { span: Span },
}

/// A positional argument, or a named one (`name = value`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Arg {
    pub name: Option<Ident>,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PostludeKw {
    Fired,
    Notfired,
    Always,
}

/// `fired { } else { } finally { }`, `notfired { } ...` or `always { }`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Postlude {
    pub first_kw: PostludeKw,
    pub first: StmtBlock,
    pub else_: Option<StmtBlock>,
    pub finally: Option<StmtBlock>,
    pub span: Span,
}

impl Postlude {
    /// The branches as written: the first one, then `else`, then `finally`.
    pub fn blocks(&self) -> impl Iterator<Item = &StmtBlock> {
        [Some(&self.first), self.else_.as_ref(), self.finally.as_ref()]
            .into_iter()
            .flatten()
    }

    /// Every statement of every branch, in source order.
    pub fn statements(&self) -> impl Iterator<Item = &Statement> {
        self.blocks().flat_map(StmtBlock::statements)
    }

    /// The statements that run when the rule fired.
    pub fn fired(&self) -> Option<&StmtBlock> {
        match self.first_kw {
            PostludeKw::Fired => Some(&self.first),
            PostludeKw::Notfired => self.else_.as_ref(),
            PostludeKw::Always => None,
        }
    }

    /// The statements that run when the rule did not fire.
    pub fn notfired(&self) -> Option<&StmtBlock> {
        match self.first_kw {
            PostludeKw::Notfired => Some(&self.first),
            PostludeKw::Fired => self.else_.as_ref(),
            PostludeKw::Always => None,
        }
    }

    /// The statements that always run (`always` or `finally`).
    pub fn always(&self) -> Option<&StmtBlock> {
        match self.first_kw {
            PostludeKw::Always => Some(&self.first),
            _ => self.finally.as_ref(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StmtBlock {
    pub stmts: Vec<StmtItem>,
    pub span: Span,
}

impl StmtBlock {
    pub fn statements(&self) -> impl Iterator<Item = &Statement> {
        self.stmts.iter().filter_map(|item| match item {
            StmtItem::Statement(stmt) => Some(stmt),
            StmtItem::Error { .. } => None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum StmtItem {
    Statement(Statement),
    Error { span: Span },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Statement {
    #[serde(flatten)]
    pub kind: StmtKind,
    pub guard: Option<Guard>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum Guard {
    OnFinal { span: Span },
    If { condition: Expr },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
}

impl LogLevel {
    pub fn from_word(word: &str) -> Option<LogLevel> {
        Some(match word {
            "error" => LogLevel::Error,
            "warn" => LogLevel::Warn,
            "info" => LogLevel::Info,
            "debug" => LogLevel::Debug,
            _ => return None,
        })
    }
}

/// The event a `raise` or `schedule` names.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum EventRef {
    /// `domain event type`: the domain is a word, the type an expression.
    Static { domain: Ident, event_type: Expr },
    /// `event expr`, where `expr` evaluates to `"domain:type"`.
    Dynamic { domain_and_type: Expr },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum ScheduleTime {
    At { time: Expr },
    Repeat { timespec: Expr },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum StmtKind {
    /// `ent:name{path} := value`.
    PersistentAssignment {
        domain: Ident,
        name: Ident,
        path: Option<Expr>,
        value: Expr,
    },
    /// `clear ent:name{path}`.
    Clear {
        domain: Ident,
        name: Ident,
        path: Option<Expr>,
    },
    Raise {
        event: EventRef,
        for_rid: Option<Expr>,
        attributes: Option<Expr>,
    },
    Schedule {
        event: EventRef,
        time: ScheduleTime,
        attributes: Option<Expr>,
        setting: Option<Ident>,
    },
    /// `log level expr`; `level` is `None` when the word was not a level (already reported).
    Log {
        level: Option<LogLevel>,
        level_word: Ident,
        message: Expr,
    },
    Error {
        level: Option<LogLevel>,
        level_word: Ident,
        message: Expr,
    },
    Last,
    Declaration(Declaration),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Expr {
    #[serde(flatten)]
    pub kind: ExprKind,
    pub span: Span,
}

impl Expr {
    pub fn new(kind: ExprKind, lo: u32, hi: u32) -> Expr {
        Expr {
            kind,
            span: Span::new(lo, hi),
        }
    }

    /// A placeholder for an expression that could not be parsed.
    pub fn error(span: Span) -> Expr {
        Expr {
            kind: ExprKind::Error,
            span,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum UnaryOp {
    #[serde(rename = "-")]
    Neg,
    #[serde(rename = "+")]
    Plus,
    #[serde(rename = "not")]
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum BinaryOp {
    #[serde(rename = "||")]
    Or,
    #[serde(rename = "&&")]
    And,
    #[serde(rename = "==")]
    Eq,
    #[serde(rename = "!=")]
    NotEq,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    LtEq,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    GtEq,
    #[serde(rename = "<=>")]
    Spaceship,
    #[serde(rename = "cmp")]
    Cmp,
    #[serde(rename = "like")]
    Like,
    #[serde(rename = "><")]
    Contains,
    #[serde(rename = "+")]
    Add,
    #[serde(rename = "-")]
    Sub,
    #[serde(rename = "*")]
    Mul,
    #[serde(rename = "/")]
    Div,
    #[serde(rename = "%")]
    Mod,
}

impl BinaryOp {
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Or => "||",
            BinaryOp::And => "&&",
            BinaryOp::Eq => "==",
            BinaryOp::NotEq => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::LtEq => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::GtEq => ">=",
            BinaryOp::Spaceship => "<=>",
            BinaryOp::Cmp => "cmp",
            BinaryOp::Like => "like",
            BinaryOp::Contains => "><",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
        }
    }

    /// Binding power as in pico-engine's parser; higher binds tighter.
    pub fn binding_power(self) -> u8 {
        match self {
            BinaryOp::Or => 20,
            BinaryOp::And => 30,
            BinaryOp::Add | BinaryOp::Sub => 50,
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => 60,
            _ => 40,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum ChevronPart {
    Text { value: String, span: Span },
    Beesting { expr: Expr },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MapEntry {
    pub key: StrLit,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum MapItem {
    Entry(MapEntry),
    Error { span: Span },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum ArrayItem {
    Item { value: Expr },
    Error { span: Span },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Param {
    pub name: Ident,
    pub default: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Params {
    pub items: Vec<Param>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Function {
    pub params: Params,
    pub body: Vec<DeclItem>,
    /// Whether the result expression was written with `return`.
    pub explicit_return: bool,
    pub result: Expr,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Defaction {
    pub params: Params,
    pub body: Vec<DeclItem>,
    pub actions: Option<ActionBlock>,
    pub result: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum ExprKind {
    Null,
    Boolean {
        value: bool,
    },
    Number {
        value: f64,
    },
    String {
        value: String,
    },
    Chevron {
        parts: Vec<ChevronPart>,
    },
    RegExp {
        pattern: String,
        flags: String,
    },
    Identifier {
        name: Name,
    },
    /// `domain:name`, e.g. `ent:count` or `event:attrs`.
    DomainIdentifier {
        domain: Ident,
        name: Ident,
    },
    Paren {
        inner: Box<Expr>,
    },
    Array {
        items: Vec<ArrayItem>,
    },
    Map {
        items: Vec<MapItem>,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `test => then | else`.
    Conditional {
        test: Box<Expr>,
        then: Box<Expr>,
        else_: Box<Expr>,
    },
    /// `object.name`, or `object.domain:name`; as the callee of a `Call` this is method-call sugar.
    Dot {
        object: Box<Expr>,
        domain: Option<Ident>,
        name: Ident,
    },
    Index {
        object: Box<Expr>,
        index: Box<Expr>,
    },
    /// `object{path}`.
    Path {
        object: Box<Expr>,
        path: Box<Expr>,
    },
    Call {
        callee: Box<Expr>,
        args: Args,
    },
    Function(Box<Function>),
    Defaction(Box<Defaction>),
    Error,
}
