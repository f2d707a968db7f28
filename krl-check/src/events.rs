//! `unraised-event` (W0115, a note): a rule selects an event that none of the checked
//! rulesets produces, while they produce an event of the same domain one typo away
//! (`sensor threshhold_exceeded` next to `raise sensor event "threshold_exceeded"`).
//!
//! # What `krl check` can know
//! An event reaches a pico from a ruleset on it (`raise`, `schedule`), from another pico
//! (`event:send`, `ctx:event`) or from outside through a channel whose policy lets it in.
//! The channels `krl run` and the UI make let events in that no ruleset names (the developer
//! channel takes every event), so an event that no ruleset produces may still come from
//! outside: the check cannot prove that a rule never fires. What it can see is a likely
//! typo. The note is given only when all of these hold, over every checked file and the
//! system rulesets:
//! - nothing produces the selected `domain:type`: no static `raise` or `schedule`, no map
//!   literal with `"domain"` and `"type"`/`"name"` (channel policies, `event:send`), no
//!   `ctx:event`/`ctx:eventQuery` with literal domain and type, no policy entry for the whole
//!   domain (`"name": "*"`);
//! - no checked ruleset produces an event of a computed domain or lets every domain in
//!   (`"domain": "*"`), and none produces an event of this domain with a computed type
//!   (either could be the selected event); the system rulesets count with their literal
//!   events only (see [`unraised_events`]);
//! - some event of the same domain that is produced is within typo distance of the type,
//!   and the type has at least five characters (`ping` and `pong` are both real events).
//!
//! It is a note, not a warning: the event may well come from outside.

use std::collections::HashSet;

use krl_diagnostics::suggest::closest;
use krl_diagnostics::{Diagnostic, FileId, FileSpan, Severity, Span, codes};
use krl_syntax::ast::{
    EventExpr, EventExprKind, EventRef, Expr, ExprKind, MapItem, Ruleset, SelectKind, StmtKind,
};

use crate::visit::each_expr;
use crate::{FastMap, FastSet};

/// What one ruleset produces and selects.
#[derive(Clone, Default, Debug, PartialEq)]
pub struct EventFacts {
    file: Option<FileId>,
    /// `(domain, type)` with a literal name; type `*` for a whole domain.
    produced: HashSet<(String, String)>,
    /// Domains with an event whose type is computed.
    computed_types: HashSet<String>,
    /// Whether an event's domain is computed somewhere.
    computed_domain: bool,
    /// `(domain, type, span)` of each event in a `select when`.
    selected: Vec<(String, String, Span)>,
}

impl EventFacts {
    /// The facts of a checked file: what it produces and what its rules select.
    /// [`crate::check_with`] gives the same facts ([`crate::Analysis::events`]) from the
    /// walk its lints make anyway.
    pub fn of_checked(file: FileId, ruleset: &Ruleset) -> EventFacts {
        EventFacts::checked(file, ruleset, EventFacts::of(ruleset))
    }

    /// What a ruleset that is not reported on produces (the system rulesets).
    pub fn of(ruleset: &Ruleset) -> EventFacts {
        let mut facts = EventFacts::default();
        each_expr(ruleset, &mut |expr| facts.expr(expr));
        facts.statements(ruleset);
        facts
    }

    /// The facts of a checked file, from `walked`: what [`EventFacts::expr`] found in every
    /// expression of active code.
    pub(crate) fn checked(file: FileId, ruleset: &Ruleset, mut walked: EventFacts) -> EventFacts {
        walked.statements(ruleset);
        walked.file = Some(file);
        for rule in ruleset.rules().filter(|rule| rule.is_active()) {
            if let Some(SelectKind::When { event, .. }) = rule.select.as_ref().map(|s| &s.kind) {
                selected_events(event, &mut walked.selected);
            }
        }
        walked
    }

    /// The events the active rules' postludes raise and schedule.
    fn statements(&mut self, ruleset: &Ruleset) {
        for rule in ruleset.rules().filter(|rule| rule.is_active()) {
            for stmt in rule.postlude.iter().flat_map(|postlude| postlude.statements()) {
                match &stmt.kind {
                    StmtKind::Raise { event, .. } | StmtKind::Schedule { event, .. } => {
                        self.event_ref(event);
                    }
                    _ => {}
                }
            }
        }
    }

    fn produce(&mut self, domain: Option<&str>, kind: Option<&str>) {
        match (domain, kind) {
            (Some(domain), Some(kind)) => {
                self.produced.insert((domain.to_string(), kind.to_string()));
            }
            (Some(domain), None) => {
                self.computed_types.insert(domain.to_string());
            }
            (None, _) => self.computed_domain = true,
        }
    }

    fn event_ref(&mut self, event: &EventRef) {
        match event {
            EventRef::Static { domain, event_type } => {
                self.produce(Some(&domain.name), literal(event_type));
            }
            EventRef::Dynamic { domain_and_type } => {
                match literal(domain_and_type).and_then(|text| text.split_once(':')) {
                    Some((domain, kind)) => self.produce(Some(domain), Some(kind)),
                    None => self.produce(None, None),
                }
            }
        }
    }

    /// What one expression produces: a channel policy entry, an `event:send` option, a
    /// `ctx:event` call. Called on every expression of active code.
    pub(crate) fn expr(&mut self, expr: &Expr) {
        match &expr.kind {
            // Channel policy entries and `event:send` options.
            ExprKind::Map { items } => {
                let entry = |key: &str| {
                    items.iter().find_map(|item| match item {
                        MapItem::Entry(entry) if entry.key.value == key => Some(&entry.value),
                        _ => None,
                    })
                };
                if let Some(domain) = entry("domain") {
                    let kind = entry("type").or_else(|| entry("name"));
                    match (literal(domain), kind) {
                        (Some(domain), Some(kind)) => self.produce(Some(domain), literal(kind)),
                        // A policy entry without a name allows the whole domain.
                        (Some(domain), None) => self.produce(Some(domain), Some("*")),
                        (None, _) => self.produce(None, None),
                    }
                }
            }
            // `ctx:event(eci, domain, type, ...)` and `ctx:eventQuery(...)`.
            ExprKind::Call { callee, args } => {
                let ExprKind::DomainIdentifier { domain, name } = &callee.kind else {
                    return;
                };
                if domain.name != "ctx" || !matches!(name.name.as_str(), "event" | "eventQuery") {
                    return;
                }
                let arg = |position: usize, key: &str| {
                    args.args()
                        .find(|arg| arg.name.as_ref().is_some_and(|n| n.name == key))
                        .or_else(|| args.args().filter(|arg| arg.name.is_none()).nth(position))
                        .map(|arg| &arg.value)
                };
                let domain = arg(1, "domain").and_then(literal);
                let kind = arg(2, "name").and_then(literal);
                self.produce(domain, kind);
            }
            _ => {}
        }
    }
}

/// The text of a string literal.
fn literal(expr: &Expr) -> Option<&str> {
    match &expr.kind {
        ExprKind::String { value } => Some(value),
        _ => None,
    }
}

fn selected_events(event: &EventExpr, out: &mut Vec<(String, String, Span)>) {
    match &event.kind {
        EventExprKind::Event(base) => out.push((
            base.domain.name.to_string(),
            base.event_type.name.to_string(),
            base.domain.span.cover(base.event_type.span),
        )),
        EventExprKind::Op { args, .. } | EventExprKind::Any { args, .. } => {
            args.iter().for_each(|arg| selected_events(arg, out));
        }
        EventExprKind::Group { event, .. } => selected_events(event, out),
        EventExprKind::Paren { inner } => selected_events(inner, out),
        EventExprKind::Error => {}
    }
}

/// Selected types shorter than this are never taken for a typo.
const MIN_TYPO_LENGTH: usize = 5;

/// The notes for every checked file's selects, given what all rulesets produce. `others`
/// (the system rulesets) count with their literal events only: their generic paths (the
/// subscription channels that let every event in, the relay of `send_event_on_subs`)
/// forward events that some other ruleset or client produced, and would otherwise turn
/// every note off.
pub fn unraised_events(checked: &[EventFacts], others: &[EventFacts]) -> Vec<Diagnostic> {
    let any_domain = |facts: &EventFacts| facts.produced.iter().any(|(domain, _)| domain == "*");
    if checked
        .iter()
        .any(|facts| facts.computed_domain || any_domain(facts))
    {
        return Vec::new();
    }
    let produced: FastSet<(&str, &str)> = checked
        .iter()
        .chain(others)
        .flat_map(|facts| &facts.produced)
        .map(|(domain, kind)| (domain.as_str(), kind.as_str()))
        .collect();
    let computed: FastSet<&str> = checked
        .iter()
        .flat_map(|facts| &facts.computed_types)
        .map(String::as_str)
        .collect();
    // The typo candidates: the literal types produced in each domain.
    let mut types_by_domain: FastMap<&str, Vec<&str>> = FastMap::default();
    for &(domain, kind) in produced.iter().filter(|(_, kind)| *kind != "*") {
        types_by_domain.entry(domain).or_default().push(kind);
    }
    // Rules of many files select the same events: each one's suggestion is looked for once.
    let mut suggestions: FastMap<(&str, &str), Option<&str>> = FastMap::default();
    let mut out = Vec::new();
    for facts in checked {
        let Some(file) = facts.file else { continue };
        for (domain, kind, span) in &facts.selected {
            let (domain, kind) = (domain.as_str(), kind.as_str());
            if produced.contains(&(domain, kind))
                || produced.contains(&(domain, "*"))
                || computed.contains(domain)
            {
                continue;
            }
            // Short names are too close to each other for an edit to look like a typo
            // (`relay ping` from outside, answered by `raise relay event "pong"`).
            if kind.chars().count() < MIN_TYPO_LENGTH {
                continue;
            }
            let suggestion = *suggestions.entry((domain, kind)).or_insert_with(|| {
                let siblings = types_by_domain.get(domain).into_iter().flatten().copied();
                closest(kind, siblings)
            });
            let Some(suggestion) = suggestion else {
                continue;
            };
            out.push(
                Diagnostic::new(
                    codes::UNRAISED_EVENT,
                    Severity::Info,
                    FileSpan::new(file, *span),
                    format!(
                        "no checked ruleset raises `{domain}:{kind}`, and no channel policy in them lets it in"
                    ),
                )
                .with_note("the rule runs only if the event comes from outside, through a channel that allows it")
                .with_help(format!("did you mean `{domain} {suggestion}`, which is raised?")),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use krl_syntax::parse_ruleset;

    fn notes(sources: &[&str], system: &[&str]) -> Vec<String> {
        let parses: Vec<_> = sources
            .iter()
            .enumerate()
            .map(|(idx, src)| (FileId(idx as u32), parse_ruleset(FileId(idx as u32), src)))
            .collect();
        let checked: Vec<EventFacts> = parses
            .iter()
            .map(|(file, parse)| EventFacts::of_checked(*file, &parse.ruleset))
            .collect();
        let others: Vec<EventFacts> = system
            .iter()
            .map(|src| EventFacts::of(&parse_ruleset(FileId(99), src).ruleset))
            .collect();
        unraised_events(&checked, &others)
            .into_iter()
            .map(|d| format!("{}: {}", d.message, d.help.unwrap_or_default()))
            .collect()
    }

    /// `check_with` collects the facts in its lints' walk: the same as a walk of their own.
    #[test]
    fn the_checker_gives_the_facts_of_checked() {
        let src = r#"ruleset a {
  global {
    policy = {"allow": [{"domain": "sensor", "name": "reading"}, {"domain": "door"}]}
    send = function(eci) { ctx:event(eci, "thermo", "ping") }
    open = function(eci, kind) { ctx:eventQuery(eci = eci, domain = "light", name = kind) }
  }
  rule r { select when x go or (sensor reading and door opened) fired { raise wrangler event "done" } }
  rule s { select when y stop fired { schedule relay event "tick" at time:now() } }
  rule off { select when z never fired { raise ghost event "seen"; x = {"domain": "ghost2", "type": "t"} } }
}"#;
        let parse = parse_ruleset(FileId(3), src);
        assert!(!parse.has_errors(), "{:?}", parse.diagnostics);
        let analysis = crate::check(FileId(3), &parse);
        let expected = EventFacts::of_checked(FileId(3), &parse.ruleset);
        assert_eq!(analysis.events, expected);
        assert!(
            expected
                .produced
                .contains(&("thermo".to_string(), "ping".to_string()))
        );
        assert!(expected.computed_types.contains("light"));
        assert_eq!(expected.selected.len(), 5);
        // The inactive rule counts for neither.
        let off = parse_ruleset(FileId(3), &src.replace("rule off {", "rule off is inactive {"));
        assert!(!off.has_errors(), "{:?}", off.diagnostics);
        let inactive = crate::check(FileId(3), &off);
        assert_eq!(inactive.events, EventFacts::of_checked(FileId(3), &off.ruleset));
        assert!(
            !inactive
                .events
                .produced
                .iter()
                .any(|(domain, _)| domain.starts_with("ghost"))
        );
    }

    const RAISER: &str =
        r#"ruleset a { rule r { select when x go fired { raise sensor event "threshold_exceeded" } } }"#;

    #[test]
    fn a_select_one_typo_from_a_raised_event_is_noted() {
        let selecting = "ruleset b { rule s { select when sensor threshhold_exceeded noop() } }";
        assert_eq!(
            notes(&[RAISER, selecting], &[]),
            [
                "no checked ruleset raises `sensor:threshhold_exceeded`, and no channel policy in them lets it in: did you mean `sensor threshold_exceeded`, which is raised?"
            ]
        );
    }

    #[test]
    fn events_from_outside_or_far_from_any_raised_one_are_not_noted() {
        // `x go` comes from outside; `sensor reading` is not a typo of a raised event.
        let selecting = "ruleset b { rule s { select when sensor reading noop() } }";
        assert!(notes(&[RAISER, selecting], &[]).is_empty());
        // Short names one edit apart are often two real events.
        let ping = r#"ruleset p { rule s { select when relay ping fired { raise relay event "pong" } } }"#;
        assert!(notes(&[ping], &[]).is_empty());
        // A policy lets `sensor:threshhold_exceeded` in.
        let policy = r#"ruleset c { global { p = {"allow": [{"domain": "sensor", "name": "threshhold_exceeded"}]} } rule s { select when sensor threshhold_exceeded noop() } }"#;
        assert!(notes(&[RAISER, policy], &[]).is_empty());
        // A computed type in the domain could be anything.
        let computed = "ruleset d { rule s { select when sensor threshhold_exceeded fired { raise sensor event ent:next } } }";
        assert!(notes(&[RAISER, computed], &[]).is_empty());
        // An open policy lets everything in.
        let open = r#"ruleset e { global { p = [{"domain": "*", "name": "*"}] } rule s { select when sensor threshhold_exceeded noop() } }"#;
        assert!(notes(&[RAISER, open], &[]).is_empty());
    }

    #[test]
    fn system_rulesets_count_with_their_literal_events() {
        let selecting = "ruleset b { rule s { select when wrangler child_initialised noop() } }";
        let system = r#"ruleset w { global { open = [{"domain": "*", "name": "*"}] } rule r { select when x y fired { raise wrangler event "child_initialized" } } }"#;
        assert_eq!(notes(&[selecting], &[system]).len(), 1);
        let produced =
            "ruleset w { rule r { select when x y fired { raise wrangler event \"child_initialised\" } } }";
        assert!(notes(&[selecting], &[produced]).is_empty());
    }
}
