//! Event selection as rule traces tell it (`engine/why.rs`): the checks one step ran on an
//! event (attribute regexes, `where` conditions) and a rule's state in words ("at start",
//! "waiting for `t:b` (1 of 2 events seen)").
//!
//! Checks record names, patterns and outcomes only, never attribute or captured values:
//! a trace is read by whoever may read the pico's log, and values may be secrets.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::RuleState;
use super::automaton::{Automaton, Cond, CondId, END, START};

/// One test a step ran while offering an event to a rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "check", rename_all = "snake_case")]
pub enum Check {
    /// `attr re#..#` of the leaf `pattern`: whether the event's attribute matched.
    Attribute {
        pattern: String,
        attr: String,
        regex: String,
        matched: bool,
    },
    /// The `where` condition of the leaf `pattern` and whether it held.
    Where { pattern: String, held: bool },
}

/// A rule state in words: `at start`, or which events the rule waits for and how far along
/// its shortest path to a match it is.
pub fn describe_state(automaton: &Automaton, state: Option<&RuleState>) -> String {
    let live: Vec<u32> = state
        .map(|s| {
            s.states
                .iter()
                .copied()
                .filter(|&s| s != START && automaton.is_live(s))
                .collect()
        })
        .unwrap_or_default();
    if live.is_empty() {
        return match state {
            Some(s) if !s.aggregates.is_empty() || !s.setting.is_empty() => {
                "at start (with values captured)".to_owned()
            }
            _ => "at start".to_owned(),
        };
    }
    let depth = depths(automaton);
    let total = depth.get(END as usize).copied().flatten();
    let mut waiting: Vec<String> = Vec::new();
    for &state in &live {
        for &(cond, to) in automaton.leaving(state) {
            if to != state {
                positive_leaves(automaton, cond, &mut waiting);
            }
        }
    }
    let seen = live
        .iter()
        .filter_map(|&s| depth.get(s as usize).copied().flatten())
        .max();
    let progress = match (seen, total) {
        (Some(seen), Some(total)) => format!(" ({seen} of {total} events seen)"),
        _ => String::new(),
    };
    let waiting: Vec<String> = waiting.iter().map(|w| format!("`{w}`")).collect();
    format!("waiting for {}{progress}", waiting.join(" or "))
}

/// The `domain:name` of a leaf, as written.
pub(crate) fn leaf_pattern(domain: &str, name: &str) -> String {
    format!("{domain}:{name}")
}

/// The leaves a condition is satisfied by (not the ones it is satisfied without).
fn positive_leaves(automaton: &Automaton, cond: CondId, out: &mut Vec<String>) {
    match automaton.conds[cond as usize] {
        Cond::Leaf(idx) => {
            let leaf = &automaton.leaves[idx as usize];
            let pattern = leaf_pattern(&leaf.domain, &leaf.name);
            if !out.contains(&pattern) {
                out.push(pattern);
            }
        }
        Cond::Not(_) => {}
        Cond::Or(left, right) => {
            positive_leaves(automaton, left, out);
            positive_leaves(automaton, right, out);
        }
    }
}

/// Per state, the fewest events that lead to it from the start (`None`: unreachable).
fn depths(automaton: &Automaton) -> Vec<Option<u32>> {
    let mut depth = vec![None; automaton.n_states()];
    let mut queue = VecDeque::from([START]);
    if let Some(start) = depth.get_mut(START as usize) {
        *start = Some(0);
    }
    while let Some(state) = queue.pop_front() {
        let next = depth[state as usize].unwrap_or(0) + 1;
        for &(_, to) in automaton.leaving(state) {
            if let Some(slot @ None) = depth.get_mut(to as usize) {
                *slot = Some(next);
                queue.push_back(to);
            }
        }
    }
    depth
}

#[cfg(test)]
mod tests {
    use super::super::{EventExpr, Leaf};
    use super::*;

    fn leaf(domain: &str, name: &str) -> EventExpr {
        EventExpr::Leaf(Leaf {
            domain: domain.into(),
            name: name.into(),
            attrs: Vec::new(),
            setting: Vec::new(),
            where_id: None,
        })
    }

    fn at(states: Vec<u32>) -> RuleState {
        RuleState {
            states,
            ..RuleState::default()
        }
    }

    #[test]
    fn a_state_says_what_it_waits_for_and_how_far_along_it_is() {
        let before = Automaton::build(&EventExpr::Before(vec![leaf("t", "a"), leaf("t", "b")]))
            .expect("a valid expression");
        assert_eq!(describe_state(&before, None), "at start");
        assert_eq!(describe_state(&before, Some(&at(vec![START]))), "at start");
        assert_eq!(
            describe_state(&before, Some(&at(vec![2]))),
            "waiting for `t:b` (1 of 2 events seen)"
        );
        let count = Automaton::build(&EventExpr::Count(
            3,
            Leaf {
                domain: "t".into(),
                name: "a".into(),
                attrs: Vec::new(),
                setting: Vec::new(),
                where_id: None,
            },
            None,
        ))
        .expect("a valid expression");
        let after_two = (2..count.n_states() as u32)
            .map(|s| describe_state(&count, Some(&at(vec![s]))))
            .collect::<Vec<_>>();
        assert!(after_two.contains(&"waiting for `t:a` (2 of 3 events seen)".to_owned()));
    }
}
