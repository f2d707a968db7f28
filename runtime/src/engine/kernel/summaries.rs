//! `Engine::pico_summaries` (the HTTP API's `/api/picos`, `krl run`, `krl test`): every stored
//! pico with its parent, children, channels and rulesets, read from the store with one scan
//! per key area, so no pico is loaded (and no ruleset initialised) for it.
//!
//! It shows what is committed: a transaction running meanwhile shows up once it commits.

use std::collections::BTreeMap;

use super::*;

/// What the summary of one pico is made of, gathered from the key areas.
#[derive(Default)]
struct Gathered {
    parent: Option<String>,
    /// (creation number, child-link ECI).
    children: Vec<(u64, String)>,
    channels: Vec<String>,
    /// (install order, rid, url).
    rulesets: Vec<(u64, String, String)>,
}

impl Engine {
    /// Every pico, the root first, then by id: `{id, parent, children, channels, rulesets}`
    /// where `channels` are channel records (sorted by ECI, without the self channel) and
    /// `rulesets` are `{rid, url}` in install order. Read from the store; no pico is loaded.
    pub fn pico_summaries(&self) -> Vec<Value> {
        match self.inner.gather_summaries() {
            Ok(picos) => picos,
            Err(err) => {
                self.inner
                    .engine_log(format!("the picos could not be listed: {err}"));
                Vec::new()
            }
        }
    }
}

impl EngineInner {
    fn gather_summaries(&self) -> Result<Vec<Value>, EngineError> {
        let scan = |area: &str| self.storage.scan_prefix(&key::prefix(&[area]));
        let mut picos: BTreeMap<String, Gathered> = BTreeMap::new();
        for (k, v) in scan("pico")? {
            let record: PicoRecord = persist::from_bytes(&k, &v)?;
            picos.entry(record.id).or_default().parent = record.parent;
        }
        for (k, v) in scan("pico-child")? {
            if let [_, parent, eci] = key::decode(&k)?.as_slice()
                && let Some(pico) = picos.get_mut(parent)
            {
                pico.children.push((persist::from_bytes(&k, &v)?, eci.clone()));
            }
        }
        for (k, _) in scan("pico-eci-list")? {
            if let [_, owner, eci] = key::decode(&k)?.as_slice()
                && let Some(pico) = picos.get_mut(owner)
            {
                pico.channels.push(eci.clone());
            }
        }
        for (k, v) in scan("pico-ruleset")? {
            let record: InstallRecord = persist::from_bytes(&k, &v)?;
            if let [_, owner, _] = key::decode(&k)?.as_slice()
                && let Some(pico) = picos.get_mut(owner)
            {
                pico.rulesets.push((record.seq, record.rid, record.url));
            }
        }
        let mut records: HashMap<String, Channel> = HashMap::new();
        for (k, v) in scan("pico-channel")? {
            let channel: Channel = persist::from_bytes(&k, &v)?;
            records.insert(channel.id.clone(), channel);
        }
        let mut summaries = Vec::with_capacity(picos.len());
        // The root first, then by id (the map's order).
        let root = picos.remove_entry(&self.root_id);
        for (id, gathered) in root.into_iter().chain(picos) {
            summaries.push(summary(&id, gathered, &records));
        }
        Ok(summaries)
    }
}

fn summary(id: &str, mut gathered: Gathered, records: &HashMap<String, Channel>) -> Value {
    let text = |s: &str| Value::string(s);
    gathered.children.sort();
    gathered.channels.sort();
    gathered.rulesets.sort();
    // A deleted channel may leave its index entry behind.
    let channels = gathered
        .channels
        .iter()
        .filter_map(|eci| records.get(eci).map(Channel::to_value))
        .collect();
    let rulesets = gathered.rulesets.iter().map(|(_, rid, url)| {
        let mut entry = Map::new();
        entry.insert("rid", text(rid));
        entry.insert("url", text(url));
        Value::map(entry)
    });
    let mut map = Map::new();
    map.insert("id", text(id));
    map.insert("parent", gathered.parent.as_deref().map_or(Value::Null, text));
    let children = gathered.children.iter().map(|(_, eci)| text(eci)).collect();
    map.insert("children", Value::array(children));
    map.insert("channels", Value::array(channels));
    map.insert("rulesets", Value::array(rulesets.collect()));
    Value::map(map)
}
