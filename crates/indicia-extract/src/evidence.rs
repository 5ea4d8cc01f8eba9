//! What one source gives ([`Partial`]) and how several sources merge into one evidence object.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

/// A fact kind of the standard mobile schema that an extractor can observe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// `permission`
    Permission,
    /// `api`
    Api,
    /// `component`
    Component,
    /// `sdk`
    Sdk,
    /// `datum`
    Datum,
    /// `flow`
    Flow,
    /// `behavior`
    Behavior,
    /// `watched`: which behaviors a run-time source watched (see [`Partial::watching`]).
    Watched,
    /// `domain`: a host named in the app's code or resources (a static finding, not a flow).
    Domain,
}

impl Kind {
    /// Every kind, in declaration order.
    pub const ALL: [Kind; 9] = [
        Kind::Permission,
        Kind::Api,
        Kind::Component,
        Kind::Sdk,
        Kind::Datum,
        Kind::Flow,
        Kind::Behavior,
        Kind::Watched,
        Kind::Domain,
    ];

    /// The kind's name in evidence.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Permission => "permission",
            Kind::Api => "api",
            Kind::Component => "component",
            Kind::Sdk => "sdk",
            Kind::Datum => "datum",
            Kind::Flow => "flow",
            Kind::Behavior => "behavior",
            Kind::Watched => "watched",
            Kind::Domain => "domain",
        }
    }
}

/// What one source says about the app itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppInfo {
    /// Application id (Android package, iOS bundle identifier), where the source names it.
    pub id: Option<String>,
    /// Display name, where known.
    pub name: Option<String>,
    /// `android` or `ios`, where known.
    pub platform: Option<&'static str>,
    /// Version name / short version string, where the source gives a literal one.
    pub version: Option<String>,
}

/// The evidence one source gives: the kinds it could observe and the facts it found.
#[derive(Debug, Clone, Default)]
pub struct Partial {
    /// The source, as named in messages (usually the path).
    pub source: String,
    /// What the source says about the app.
    pub app: AppInfo,
    /// The kinds this source could observe (named in `collected` even when no fact was found).
    pub collected: BTreeSet<Kind>,
    /// Facts by kind; every fact is a JSON object in the standard mobile schema.
    pub facts: BTreeMap<Kind, Vec<Value>>,
    /// Non-fatal remarks (for standard error).
    pub warnings: Vec<String>,
}

impl Partial {
    /// An empty partial for `source` that observes `kinds`.
    pub fn new(source: impl Into<String>, kinds: &[Kind]) -> Self {
        Self { source: source.into(), collected: kinds.iter().copied().collect(), ..Self::default() }
    }

    /// Adds a fact of `kind` (a JSON object).
    pub fn push(&mut self, kind: Kind, fact: Value) {
        self.facts.entry(kind).or_default().push(fact);
    }

    /// Declares this source a run-time monitor named `monitor` (the `watched.source` value, e.g. `appops`)
    /// that could have seen each behavior kind in `behaviors`: `behavior` and `watched` become collected
    /// and one `watched {behavior, source}` fact is added per kind.
    ///
    /// A source that collects `behavior` must say what it watched this way, even when the list is empty
    /// (a Frida log whose script installed no hook): a pack then passes a behavior only where a source
    /// watched it and it was not seen (docs/extract.md, "What each source could see").
    pub fn watching(&mut self, monitor: &str, behaviors: &[&str]) {
        self.collected.insert(Kind::Behavior);
        self.collected.insert(Kind::Watched);
        for behavior in behaviors {
            self.push(Kind::Watched, json!({ "behavior": behavior, "source": monitor }));
        }
    }

    /// Adds a `behavior` fact `{kind, detail, state}` (the optional members left out when `None`).
    pub fn behavior(&mut self, kind: &str, detail: Option<&str>, state: Option<&str>) {
        let mut fact = Map::new();
        fact.insert("kind".into(), Value::String(kind.to_owned()));
        if let Some(detail) = detail {
            fact.insert("detail".into(), Value::String(detail.to_owned()));
        }
        if let Some(state) = state {
            fact.insert("state".into(), Value::String(state.to_owned()));
        }
        self.push(Kind::Behavior, Value::Object(fact));
    }

    /// The facts of `kind` found so far.
    pub fn facts_of(&self, kind: Kind) -> &[Value] {
        self.facts.get(&kind).map_or(&[], Vec::as_slice)
    }
}

/// One evidence object and the warnings met while making it.
#[derive(Debug, Clone)]
pub struct Merged {
    /// `{"app": {...}, "collected": [...], "facts": {...}}`.
    pub evidence: Value,
    /// Remarks for standard error (the sources' own warnings included).
    pub warnings: Vec<String>,
}

/// Joins flows to one destination (host, port, TLS) seen in several captures: `bytes_out` summed, `data`
/// united, the other fields from the first capture that has them.
fn join_flows(list: Vec<(Vec<u8>, Value)>) -> Vec<(Vec<u8>, Value)> {
    let mut joined: Vec<Map<String, Value>> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for (_, fact) in list {
        let Value::Object(fact) = fact else { continue };
        let key = format!(
            "{}|{}|{}",
            fact.get("host").unwrap_or(&Value::Null),
            fact.get("port").unwrap_or(&Value::Null),
            fact.get("tls").unwrap_or(&Value::Null)
        );
        let Some(&at) = index.get(&key) else {
            index.insert(key, joined.len());
            joined.push(fact);
            continue;
        };
        let Some(into) = joined.get_mut(at) else { continue };
        for (field, value) in fact {
            match (field.as_str(), into.get_mut(&field)) {
                ("bytes_out", Some(Value::Number(have))) => {
                    let sum = have.as_i64().unwrap_or(0).saturating_add(value.as_i64().unwrap_or(0));
                    *have = sum.into();
                }
                ("data", Some(Value::Array(have))) => {
                    let mut set: BTreeSet<String> = have
                        .iter()
                        .chain(value.as_array().into_iter().flatten())
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect();
                    *have = std::mem::take(&mut set).into_iter().map(Value::String).collect();
                }
                (_, Some(Value::Null)) | (_, None) => {
                    into.insert(field, value);
                }
                _ => {}
            }
        }
    }
    joined.into_iter().map(|m| keyed(Value::Object(m))).collect()
}

/// A fact with its sort key: its compact JSON text. Written straight into bytes: `Value`'s
/// `Display` goes through the formatter a token at a time, which took about a sixth of an APK's
/// extraction (it stays as the fallback, so that no two facts can share an empty key).
fn keyed(fact: Value) -> (Vec<u8>, Value) {
    let key = serde_json::to_vec(&fact).unwrap_or_else(|_| fact.to_string().into_bytes());
    (key, fact)
}

/// Merges the partials of one app into one evidence object.
///
/// `collected` is the union of the sources' kinds; facts are concatenated, exact duplicates dropped, and
/// each kind's facts sorted (by their JSON text) so that the output does not depend on source order;
/// flows to one destination from several captures are joined into one.
/// The app id comes from the first source that names one; `app_id` is used when none does. A warning is
/// given when sources disagree, when `app_id` differs from the sources' id, and when nothing names the app
/// (the id is then `"unknown"`).
pub fn merge(partials: Vec<Partial>, app_id: Option<&str>) -> Merged {
    let mut warnings = Vec::new();
    let mut app = AppInfo::default();
    let mut id_from: Option<String> = None;
    for p in &partials {
        warnings.extend(p.warnings.iter().cloned());
        if let Some(id) = &p.app.id {
            match (&app.id, &id_from) {
                (None, _) => {
                    app.id = Some(id.clone());
                    id_from = Some(p.source.clone());
                }
                (Some(have), Some(from)) if have != id => warnings.push(format!(
                    "{}: names the app `{id}`, but {from} names it `{have}`; keeping `{have}`",
                    p.source
                )),
                _ => {}
            }
        }
        if app.name.is_none() {
            app.name.clone_from(&p.app.name);
        }
        if app.platform.is_none() {
            app.platform = p.app.platform;
        }
        if app.version.is_none() {
            app.version.clone_from(&p.app.version);
        }
    }
    let id = match (app.id.take(), app_id) {
        (Some(id), Some(given)) => {
            if id != given {
                warnings.push(format!(
                    "--app-id `{given}` ignored: {} names the app `{id}`",
                    id_from.as_deref().unwrap_or("a source")
                ));
            }
            id
        }
        (Some(id), None) => id,
        (None, Some(given)) => given.to_owned(),
        (None, None) => {
            warnings.push("no source names the app and no --app-id was given; using the id `unknown`".to_owned());
            "unknown".to_owned()
        }
    };

    let mut app_obj = Map::new();
    app_obj.insert("id".into(), Value::String(id));
    if let Some(name) = app.name {
        app_obj.insert("name".into(), Value::String(name));
    }
    if let Some(platform) = app.platform {
        app_obj.insert("platform".into(), Value::String(platform.to_owned()));
    }
    if let Some(version) = app.version {
        app_obj.insert("version".into(), Value::String(version));
    }

    let collected: BTreeSet<Kind> = partials.iter().flat_map(|p| p.collected.iter().copied()).collect();
    let mut by_kind: BTreeMap<Kind, Vec<(Vec<u8>, Value)>> = BTreeMap::new();
    for p in partials {
        for (kind, list) in p.facts {
            if collected.contains(&kind) {
                by_kind.entry(kind).or_default().extend(list.into_iter().map(keyed));
            }
        }
    }
    if let Some(flows) = by_kind.get_mut(&Kind::Flow) {
        *flows = join_flows(std::mem::take(flows));
    }
    let mut facts = Map::new();
    for (kind, mut list) in by_kind {
        list.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        list.dedup_by(|a, b| a.0 == b.0);
        if !list.is_empty() {
            facts.insert(kind.name().to_owned(), Value::Array(list.into_iter().map(|(_, v)| v).collect()));
        }
    }
    let collected: Vec<Value> = collected.iter().map(|k| Value::String(k.name().to_owned())).collect();
    // Built by moving the parts in: `json!` would serialise each of them into a copy.
    let mut evidence = Map::new();
    evidence.insert("app".into(), Value::Object(app_obj));
    evidence.insert("collected".into(), Value::Array(collected));
    evidence.insert("facts".into(), Value::Object(facts));
    Merged { evidence: Value::Object(evidence), warnings }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watching_collects_behavior_and_watched_with_one_fact_per_kind() {
        let mut p = Partial::new("ops.txt", &[]);
        p.watching("appops", &["clipboard_read", "location_read"]);
        p.behavior("clipboard_read", Some("READ_CLIPBOARD"), None);
        assert_eq!(p.collected, BTreeSet::from([Kind::Behavior, Kind::Watched]));
        assert_eq!(
            p.facts_of(Kind::Watched),
            [
                json!({"behavior": "clipboard_read", "source": "appops"}),
                json!({"behavior": "location_read", "source": "appops"})
            ]
        );
        assert_eq!(p.facts_of(Kind::Behavior), [json!({"kind": "clipboard_read", "detail": "READ_CLIPBOARD"})]);
    }

    #[test]
    fn a_monitor_that_watched_nothing_still_collects_watched() {
        let mut p = Partial::new("hooks.jsonl", &[]);
        p.watching("frida", &[]);
        let merged = merge(vec![p], Some("com.example"));
        assert_eq!(merged.evidence["collected"], json!(["behavior", "watched"]));
        assert_eq!(merged.evidence["facts"], json!({}));
    }
}
