//! Building an [`Automaton`] from an [`EventExpr`]: one small machine per operator, glued
//! together by joining states, then simplified the way pico-engine's select-when library does.
//!
//! Matches pico-engine: the order of transitions leaving a state decides the order in which
//! leaf matchers run during a step, and matchers have side effects (a failing one discards
//! the threaded rule state, aggregators append values). So the construction replays the
//! reference's state merging and duplicate removal exactly, including its transition order,
//! instead of building some other equivalent automaton.

use std::collections::HashMap;

use indexmap::{IndexMap, IndexSet};

use super::{Aggregator, EventExpr, Leaf};
use crate::RuntimeError;

/// The start state of every automaton.
pub(crate) const START: u32 = 0;
/// The end (accepting) state of every automaton.
pub(crate) const END: u32 = 1;

/// Index into [`Automaton::conds`].
pub(crate) type CondId = u32;

/// A transition label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Cond {
    /// Index into [`Automaton::leaves`].
    Leaf(u32),
    /// Holds when the inner condition does not (`then`'s reset). Still runs its matchers.
    Not(CondId),
    /// Left, and only if it fails, right (evaluated with left's resulting state).
    Or(CondId, CondId),
}

/// A leaf condition: domain and name (either may be `*`) plus an optional matcher.
#[derive(Clone, Debug)]
pub(crate) struct LeafCond {
    pub domain: String,
    pub name: String,
    pub matcher: Option<Matcher>,
}

/// What runs after a leaf's domain and name matched: attribute regexes, `setting`, `where`
/// and (on `count`/`repeat` leaves) an aggregator.
#[derive(Clone, Debug)]
pub(crate) struct Matcher {
    pub leaf: Leaf,
    pub aggregator: Option<Aggregator>,
}

/// A compiled event expression, built once per ruleset instance and shared by every pico.
///
/// States are numbered `0` (start), `1` (end), then the intermediate states in the order the
/// reference names them (`s0` is `2`); [`super::RuleState::states`] stores these numbers.
#[derive(Clone, Debug)]
pub struct Automaton {
    pub(crate) leaves: Vec<LeafCond>,
    pub(crate) conds: Vec<Cond>,
    /// `transitions[offsets[s]..offsets[s + 1]]` leave state `s`, in evaluation order.
    pub(crate) offsets: Vec<u32>,
    pub(crate) transitions: Vec<(CondId, u32)>,
    salient: Vec<(String, String)>,
    setting_names: Vec<String>,
    /// Fast path: the whole automaton is `start -[leaf]-> end` with a matcher-less leaf.
    pub(crate) single_leaf: Option<u32>,
    has_where: bool,
}

impl Automaton {
    /// Builds the automaton for `expr`.
    ///
    /// Fails like the reference's ruleset initialisation when `any N` has N not below the
    /// number of alternatives.
    pub fn build(expr: &EventExpr) -> Result<Automaton, RuntimeError> {
        let mut builder = Builder::default();
        let machine = builder.expr(expr)?;
        Ok(builder.finish(machine, setting_names(expr)))
    }

    /// The distinct (domain, name) pairs of the leaves (`*` is a wildcard), for the engine's
    /// salience index.
    pub fn salient_events(&self) -> impl Iterator<Item = (&str, &str)> {
        self.salient
            .iter()
            .map(|(domain, name)| (domain.as_str(), name.as_str()))
    }

    /// Whether an event `domain:name` is salient for this expression.
    pub fn is_salient(&self, domain: &str, name: &str) -> bool {
        self.salient
            .iter()
            .any(|(d, n)| (d == "*" || d == domain) && (n == "*" || n == name))
    }

    /// Every `setting` and aggregator variable of the expression, once each, in written order:
    /// the names a fired rule's body reads (null when not captured).
    pub fn setting_names(&self) -> &[String] {
        &self.setting_names
    }

    /// Whether some leaf has a `where` condition, i.e. whether [`super::step`] can fail.
    pub fn has_where(&self) -> bool {
        self.has_where
    }

    /// Number of states, start and end included.
    pub fn n_states(&self) -> usize {
        self.offsets.len() - 1
    }

    /// The transitions leaving `state` (empty for unknown states).
    pub(crate) fn leaving(&self, state: u32) -> &[(CondId, u32)] {
        let idx = state as usize;
        match (self.offsets.get(idx), self.offsets.get(idx + 1)) {
            (Some(&lo), Some(&hi)) => &self.transitions[lo as usize..hi as usize],
            _ => &[],
        }
    }

    /// Whether `state` has outgoing transitions (states without any are "done").
    pub(crate) fn is_live(&self, state: u32) -> bool {
        !self.leaving(state).is_empty()
    }

    /// A compact listing in the reference's `compile()` layout, for tests and debugging:
    /// one line per state, e.g. `start: a:b -> s0, c:d -> end`.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        let mut order: Vec<u32> = Vec::new();
        order.push(START);
        order.extend(2..self.n_states() as u32);
        order.push(END);
        for state in order {
            let leaving = self.leaving(state);
            if leaving.is_empty() {
                continue;
            }
            let parts: Vec<String> = leaving
                .iter()
                .map(|&(cond, to)| format!("{} -> {}", self.describe_cond(cond), state_name(to)))
                .collect();
            out.push_str(&format!("{}: {}\n", state_name(state), parts.join(", ")));
        }
        out
    }

    fn describe_cond(&self, cond: CondId) -> String {
        match self.conds[cond as usize] {
            Cond::Leaf(idx) => {
                let leaf = &self.leaves[idx as usize];
                let fn_mark = if leaf.matcher.is_some() {
                    format!(":fn{idx}")
                } else {
                    String::new()
                };
                format!("{}:{}{fn_mark}", leaf.domain, leaf.name)
            }
            Cond::Not(inner) => format!("not {}", self.describe_cond(inner)),
            Cond::Or(left, right) => {
                format!("({} or {})", self.describe_cond(left), self.describe_cond(right))
            }
        }
    }
}

fn state_name(state: u32) -> String {
    match state {
        START => "start".to_owned(),
        END => "end".to_owned(),
        other => format!("s{}", other - 2),
    }
}

/// Names in compile order: per leaf its `setting` names, then its aggregator's variables.
/// The names a rule's body reads from its event expression: each `setting` and aggregator
/// variable once, in the order first written. A fired rule's bindings come one per name, in
/// this order ([`super::StepResult::fired`]), so a compiler can give them consecutive slots.
pub fn setting_names(expr: &EventExpr) -> Vec<String> {
    let mut names = Vec::new();
    collect_setting_names(expr, &mut names);
    names
}

fn collect_setting_names(expr: &EventExpr, out: &mut Vec<String>) {
    // One level of a recursion as deep as the event expression nests (at most the source's
    // nesting limit), so it fits any thread's stack.
    crate::value::with_stack(|| collect_setting_names_unguarded(expr, out))
}

fn collect_setting_names_unguarded(expr: &EventExpr, out: &mut Vec<String>) {
    fn push(name: &String, out: &mut Vec<String>) {
        if !out.contains(name) {
            out.push(name.clone());
        }
    }
    match expr {
        EventExpr::Leaf(leaf) => leaf.setting.iter().for_each(|name| push(name, out)),
        EventExpr::Or(args)
        | EventExpr::And(args)
        | EventExpr::Before(args)
        | EventExpr::Then(args)
        | EventExpr::After(args)
        | EventExpr::Any(_, args) => args.iter().for_each(|arg| collect_setting_names(arg, out)),
        EventExpr::Between(a, b, c) | EventExpr::NotBetween(a, b, c) => {
            for arg in [a, b, c] {
                collect_setting_names(arg, out);
            }
        }
        EventExpr::Count(_, leaf, aggregator) | EventExpr::Repeat(_, leaf, aggregator) => {
            leaf.setting.iter().for_each(|name| push(name, out));
            if let Some(aggregator) = aggregator {
                aggregator.vars.iter().for_each(|name| push(name, out));
            }
        }
    }
}

/// One transition of a machine under construction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Trans {
    from: u32,
    on: CondId,
    to: u32,
}

/// A machine under construction; state ids are unique across the whole build.
#[derive(Clone, Debug)]
struct Machine {
    start: u32,
    end: u32,
    trans: Vec<Trans>,
}

impl Machine {
    fn add(&mut self, from: u32, on: CondId, to: u32) {
        self.trans.push(Trans { from, on, to });
    }

    fn concat(&mut self, other: &Machine) {
        self.trans.extend_from_slice(&other.trans);
    }

    /// Renames `old` to `new` everywhere.
    fn join(&mut self, old: u32, new: u32) {
        for t in &mut self.trans {
            if t.from == old {
                t.from = new;
            }
            if t.to == old {
                t.to = new;
            }
        }
    }

    /// The distinct (from, on) pairs entering `state`, sorted: states with equal signatures
    /// are reached the same way and may be merged.
    fn input_signature(&self, state: u32) -> Vec<(u32, CondId)> {
        let mut inputs: Vec<(u32, CondId)> = self
            .trans
            .iter()
            .filter(|t| t.to == state)
            .map(|t| (t.from, t.on))
            .collect();
        inputs.sort_unstable();
        inputs.dedup();
        inputs
    }

    /// Merges states that the same (from, on) leads to when nothing else tells them apart,
    /// then removes duplicate transitions, ordering them by label, source and target in
    /// order of first appearance (the reference's nested-object iteration order).
    fn optimize(&mut self) {
        loop {
            let mut to_join: Vec<(u32, u32)> = Vec::new();
            let mut grouped: HashMap<(u32, CondId), u32> = HashMap::new();
            for t in &self.trans {
                match grouped.get(&(t.from, t.on)) {
                    Some(&first) if first != t.to => to_join.push((t.to, first)),
                    Some(_) => {}
                    None => {
                        grouped.insert((t.from, t.on), t.to);
                    }
                }
            }
            let mut joined = false;
            for (a, b) in to_join {
                let start_and_end = (a == self.start && b == self.end) || (a == self.end && b == self.start);
                if !start_and_end && self.input_signature(a) == self.input_signature(b) {
                    self.join(a, b);
                    joined = true;
                }
            }
            if !joined {
                break;
            }
        }
        let mut tree: IndexMap<CondId, IndexMap<u32, IndexSet<u32>>> = IndexMap::new();
        for t in &self.trans {
            tree.entry(t.on)
                .or_default()
                .entry(t.from)
                .or_default()
                .insert(t.to);
        }
        self.trans = tree
            .into_iter()
            .flat_map(|(on, froms)| {
                froms
                    .into_iter()
                    .flat_map(move |(from, tos)| tos.into_iter().map(move |to| Trans { from, on, to }))
            })
            .collect();
    }
}

/// Interns leaves and conditions and hands out fresh state ids.
#[derive(Default)]
struct Builder {
    next_state: u32,
    leaves: Vec<LeafCond>,
    conds: Vec<Cond>,
    cond_ids: HashMap<Cond, CondId>,
    /// Matcher-less leaves are the same label whenever domain and name are equal.
    plain_leaves: HashMap<(String, String), u32>,
    has_where: bool,
}

impl Builder {
    fn fresh(&mut self) -> u32 {
        let id = self.next_state;
        self.next_state += 1;
        id
    }

    fn machine(&mut self) -> Machine {
        let start = self.fresh();
        let end = self.fresh();
        Machine {
            start,
            end,
            trans: Vec::new(),
        }
    }

    fn cond(&mut self, cond: Cond) -> CondId {
        if let Some(&id) = self.cond_ids.get(&cond) {
            return id;
        }
        let id = u32::try_from(self.conds.len()).expect("fewer than 2^32 conditions");
        self.conds.push(cond);
        self.cond_ids.insert(cond, id);
        id
    }

    /// The label of a leaf. Matches pico-engine: a leaf with attribute tests, `setting`,
    /// `where` or an aggregator gets its own matcher function, so two such leaves are
    /// distinct labels even when written identically; copies made by `and`, `any`, `count`
    /// and `repeat` share it.
    fn leaf(&mut self, leaf: &Leaf, aggregator: Option<&Aggregator>) -> CondId {
        let needs_matcher = !leaf.attrs.is_empty()
            || !leaf.setting.is_empty()
            || leaf.where_id.is_some()
            || aggregator.is_some();
        let idx = if needs_matcher {
            self.has_where |= leaf.where_id.is_some();
            self.push_leaf(LeafCond {
                domain: leaf.domain.clone(),
                name: leaf.name.clone(),
                matcher: Some(Matcher {
                    leaf: leaf.clone(),
                    aggregator: aggregator.cloned(),
                }),
            })
        } else {
            let key = (leaf.domain.clone(), leaf.name.clone());
            match self.plain_leaves.get(&key) {
                Some(&idx) => idx,
                None => {
                    let idx = self.push_leaf(LeafCond {
                        domain: key.0.clone(),
                        name: key.1.clone(),
                        matcher: None,
                    });
                    self.plain_leaves.insert(key, idx);
                    idx
                }
            }
        };
        self.cond(Cond::Leaf(idx))
    }

    fn push_leaf(&mut self, leaf: LeafCond) -> u32 {
        let idx = u32::try_from(self.leaves.len()).expect("fewer than 2^32 leaves");
        self.leaves.push(leaf);
        idx
    }

    fn single(&mut self, on: CondId) -> Machine {
        let mut m = self.machine();
        m.add(m.start, on, m.end);
        m
    }

    /// A copy of `m` with fresh intermediate states (and fresh start and end).
    fn clone_machine(&mut self, m: &Machine) -> Machine {
        let mut out = self.machine();
        let mut map: HashMap<u32, u32> = HashMap::new();
        map.insert(m.start, out.start);
        map.insert(m.end, out.end);
        for t in &m.trans {
            let from = *map.entry(t.from).or_insert_with(|| {
                let id = self.next_state;
                self.next_state += 1;
                id
            });
            let to = *map.entry(t.to).or_insert_with(|| {
                let id = self.next_state;
                self.next_state += 1;
                id
            });
            out.add(from, t.on, to);
        }
        out
    }

    /// Chains `parts` in order into `s`: the first starts at `s.start`, the last ends at
    /// `s.end`, each one's end is the next one's start.
    fn chain(s: &mut Machine, parts: Vec<Machine>) {
        let n_parts = parts.len();
        let mut prev_end: Option<u32> = None;
        for (j, part) in parts.into_iter().enumerate() {
            s.concat(&part);
            if j == 0 {
                s.join(part.start, s.start);
            }
            if j + 1 == n_parts {
                s.join(part.end, s.end);
            }
            if let Some(prev_end) = prev_end {
                s.join(prev_end, part.start);
            }
            prev_end = Some(part.end);
        }
    }

    /// A fresh machine made of clones of `args` chained in each of the given orders.
    fn chains(&mut self, args: &[Machine], orders: &[Vec<usize>]) -> Machine {
        let mut s = self.machine();
        for order in orders {
            let parts: Vec<Machine> = order.iter().map(|&i| self.clone_machine(&args[i])).collect();
            Self::chain(&mut s, parts);
        }
        s.optimize();
        s
    }

    fn exprs(&mut self, args: &[EventExpr]) -> Result<Vec<Machine>, RuntimeError> {
        args.iter().map(|arg| self.expr(arg)).collect()
    }

    fn expr(&mut self, expr: &EventExpr) -> Result<Machine, RuntimeError> {
        // One level of a recursion as deep as the event expression nests (at most the source's
        // nesting limit), so it fits any thread's stack.
        crate::value::with_stack(|| self.expr_unguarded(expr))
    }

    fn expr_unguarded(&mut self, expr: &EventExpr) -> Result<Machine, RuntimeError> {
        Ok(match expr {
            EventExpr::Leaf(leaf) => {
                let on = self.leaf(leaf, None);
                self.single(on)
            }
            EventExpr::Or(args) => {
                let args = self.exprs(args)?;
                let mut s = self.machine();
                for a in &args {
                    s.concat(a);
                    s.join(a.start, s.start);
                    s.join(a.end, s.end);
                }
                s.optimize();
                s
            }
            EventExpr::And(args) => {
                let args = self.exprs(args)?;
                let orders = ordered_choices(args.len(), args.len());
                self.chains(&args, &orders)
            }
            EventExpr::Before(args) => {
                let args = self.exprs(args)?;
                self.chains(&args, &[(0..args.len()).collect()])
            }
            EventExpr::After(args) => {
                let args = self.exprs(args)?;
                self.chains(&args, &[(0..args.len()).rev().collect()])
            }
            EventExpr::Then(args) => {
                let args = self.exprs(args)?;
                self.then(args)
            }
            EventExpr::Between(a, b, c) => {
                let (a, b, c) = (self.expr(a)?, self.expr(b)?, self.expr(c)?);
                let mut s = self.machine();
                s.concat(&a);
                s.concat(&b);
                s.concat(&c);
                s.join(b.start, s.start);
                s.join(b.end, a.start);
                s.join(a.end, c.start);
                s.join(c.end, s.end);
                s.optimize();
                s
            }
            EventExpr::NotBetween(a, b, c) => {
                let (a, b, c) = (self.expr(a)?, self.expr(b)?, self.expr(c)?);
                let mut s = self.machine();
                s.concat(&a);
                s.concat(&b);
                s.concat(&c);
                s.join(b.start, s.start);
                s.join(b.end, c.start);
                s.join(c.end, s.end);
                // An `a` between the two sends the machine back to start.
                s.join(a.start, c.start);
                s.join(a.end, s.start);
                s.optimize();
                s
            }
            EventExpr::Any(num, args) => {
                let num = *num as usize;
                if num >= args.len() {
                    return Err(any_bounds_error());
                }
                let args = self.exprs(args)?;
                let orders = ordered_choices(args.len(), num);
                self.chains(&args, &orders)
            }
            EventExpr::Count(num, leaf, aggregator) => {
                let on = self.leaf(leaf, aggregator.as_ref());
                let one = self.single(on);
                self.chains(&[one], &[vec![0; *num as usize]])
            }
            EventExpr::Repeat(num, leaf, aggregator) => {
                let on = self.leaf(leaf, aggregator.as_ref());
                let one = self.single(on);
                let mut s = self.machine();
                let parts: Vec<Machine> = (0..*num).map(|_| self.clone_machine(&one)).collect();
                Self::chain(&mut s, parts);
                // Once at the end, every further occurrence matches again.
                s.concat(&one);
                s.join(one.end, s.end);
                s.join(one.start, s.end);
                s.optimize();
                s
            }
        })
    }

    /// `then`: chained in order (without copying), plus at each junction a transition back
    /// to start labelled `not x1 or not x2 ...` over the labels leaving the junction.
    fn then(&mut self, args: Vec<Machine>) -> Machine {
        let mut s = self.machine();
        let mut junctions = Vec::new();
        let n_args = args.len();
        let mut prev_end: Option<u32> = None;
        for (j, a) in args.iter().enumerate() {
            s.concat(a);
            if j == 0 {
                s.join(a.start, s.start);
            }
            if j + 1 == n_args {
                s.join(a.end, s.end);
            }
            if let Some(prev_end) = prev_end {
                s.join(prev_end, a.start);
                junctions.push(a.start);
            }
            prev_end = Some(a.end);
        }
        let snapshot = s.trans.clone();
        for junction in junctions {
            let mut negated: Vec<CondId> = Vec::new();
            for t in snapshot.iter().filter(|t| t.from == junction) {
                let not = self.cond(Cond::Not(t.on));
                if !negated.contains(&not) {
                    negated.push(not);
                }
            }
            // Right-nested: `a or (b or (c ...))`.
            let Some(mut reset) = negated.pop() else { continue };
            while let Some(left) = negated.pop() {
                reset = self.cond(Cond::Or(left, reset));
            }
            s.add(junction, reset, s.start);
        }
        s.optimize();
        s
    }

    /// Renumbers states (start 0, end 1, the rest by first appearance) and lays the
    /// transitions out per state.
    fn finish(self, machine: Machine, setting_names: Vec<String>) -> Automaton {
        let mut numbers: HashMap<u32, u32> = HashMap::new();
        numbers.insert(machine.start, START);
        numbers.insert(machine.end, END);
        let mut number = |state: u32| -> u32 {
            let next = numbers.len() as u32;
            *numbers.entry(state).or_insert(next)
        };
        let renamed: Vec<Trans> = machine
            .trans
            .iter()
            .map(|t| {
                let from = number(t.from);
                let to = number(t.to);
                Trans { from, on: t.on, to }
            })
            .collect();
        let n_states = numbers.len().max(2);
        let mut offsets = vec![0u32; n_states + 1];
        for t in &renamed {
            offsets[t.from as usize + 1] += 1;
        }
        for idx in 1..offsets.len() {
            offsets[idx] += offsets[idx - 1];
        }
        let mut fill = offsets.clone();
        let mut transitions = vec![(0, 0); renamed.len()];
        for t in &renamed {
            let slot = &mut fill[t.from as usize];
            transitions[*slot as usize] = (t.on, t.to);
            *slot += 1;
        }

        let mut salient: Vec<(String, String)> = Vec::new();
        let mut seen_leaves: Vec<u32> = Vec::new();
        for &(on, _) in &transitions {
            collect_leaves(&self.conds, on, &mut seen_leaves);
        }
        for idx in seen_leaves {
            let leaf = &self.leaves[idx as usize];
            let pair = (leaf.domain.clone(), leaf.name.clone());
            if !salient.contains(&pair) {
                salient.push(pair);
            }
        }

        let single_leaf = match (transitions.as_slice(), offsets.get(1)) {
            ([(on, END)], Some(1)) => match self.conds[*on as usize] {
                Cond::Leaf(idx) if self.leaves[idx as usize].matcher.is_none() => Some(idx),
                _ => None,
            },
            _ => None,
        };

        Automaton {
            leaves: self.leaves,
            conds: self.conds,
            offsets,
            transitions,
            salient,
            setting_names,
            single_leaf,
            has_where: self.has_where,
        }
    }
}

fn collect_leaves(conds: &[Cond], cond: CondId, out: &mut Vec<u32>) {
    match conds[cond as usize] {
        Cond::Leaf(idx) => {
            if !out.contains(&idx) {
                out.push(idx);
            }
        }
        Cond::Not(inner) => collect_leaves(conds, inner, out),
        Cond::Or(left, right) => {
            collect_leaves(conds, left, out);
            collect_leaves(conds, right, out);
        }
    }
}

/// Every ordered choice of `len` distinct indices below `n`, in lexicographic order (the
/// distinct `len`-prefixes of all permutations, as the reference enumerates them).
fn ordered_choices(n: usize, len: usize) -> Vec<Vec<usize>> {
    fn go(n: usize, len: usize, prefix: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if prefix.len() == len {
            out.push(prefix.clone());
            return;
        }
        for idx in 0..n {
            if !prefix.contains(&idx) {
                prefix.push(idx);
                go(n, len, prefix, out);
                prefix.pop();
            }
        }
    }
    let mut out = Vec::new();
    go(n, len, &mut Vec::with_capacity(len), &mut out);
    out
}

#[cold]
fn any_bounds_error() -> RuntimeError {
    RuntimeError::type_error(
        "`any(num, ...eventexs)` expects num to be greater than 0 and less than the number of eventexs",
    )
}
