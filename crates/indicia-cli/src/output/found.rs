//! What was found: the evidence behind the verdicts, as a person reads it — permissions with their
//! Android protection level, embedded SDKs and trackers with their kinds, network destinations with
//! their country and the data types sent, and behaviors with the app's state.
//!
//! Read from the kinds of the standard mobile schema (docs/evidence.md) by name, so any pack that
//! declares them gets this section; a kind the pack does not declare, or the evidence did not observe,
//! is `None` ("not observed"), which is not the same as observed and empty.

use std::collections::HashMap;

use indicia::evidence::Evidence;
use indicia::hir::Pack;
use serde::Serialize;
use serde_json::{Map, Value};

use super::words;

/// The evidence behind the verdicts, in the report's member `found` (docs/report.md).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Found {
    /// Permissions and entitlements (kind `permission`), in evidence order.
    pub permissions: Option<Vec<FoundPermission>>,
    /// Embedded SDKs and trackers (kind `sdk`), in evidence order.
    pub sdks: Option<Vec<FoundSdk>>,
    /// Network destinations (kind `flow`), one per host, in order of first appearance.
    pub destinations: Option<Vec<Destination>>,
    /// What the app was seen doing (kind `behavior`), in evidence order.
    pub behaviors: Option<Vec<FoundBehavior>>,
}

/// A permission with its protection level.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FoundPermission {
    /// The index of the `permission` fact.
    pub index: usize,
    /// The permission's name.
    pub name: String,
    /// The protection level: the fact's own `protection`, else AOSP's level for a platform
    /// permission (`dangerous|instant`), else `None`.
    pub protection: Option<String>,
    /// Where the level comes from: `evidence` or `aosp-36`.
    pub protection_from: Option<&'static str>,
    /// Where the permission was declared or seen (`manifest`, `plist`, `runtime`…).
    pub source: Option<String>,
    /// Whether it was granted, where a source says so.
    pub granted: Option<bool>,
}

/// An embedded SDK or tracker.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FoundSdk {
    /// The index of the `sdk` fact.
    pub index: usize,
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: Option<String>,
    /// Its kind (`analytics`, `advertising`, `tracker`…).
    pub kind: Option<String>,
    /// The country of its vendor.
    pub country: Option<String>,
}

/// One host the app sent data to, over every flow to it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Destination {
    /// The host.
    pub host: String,
    /// The countries of its flows (sorted, without repeats; empty when no flow has one).
    pub countries: Vec<String>,
    /// The data types seen in what was sent (sorted, without repeats).
    pub data: Vec<String>,
    /// The SDKs that sent to it, where known (sorted, without repeats).
    pub sdks: Vec<String>,
    /// The app states the flows happened in (sorted, without repeats).
    pub states: Vec<String>,
    /// The indices of its `flow` facts.
    pub flows: Vec<usize>,
}

/// A behavior with the app's state.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FoundBehavior {
    /// The index of the `behavior` fact.
    pub index: usize,
    /// What was done (`clipboard_read`, `location`…).
    pub kind: String,
    /// The app's state: `foreground`, `background`, `not_launched`.
    pub state: Option<String>,
    /// A detail of the observation.
    pub detail: Option<String>,
    /// The SDK whose code did it, where known.
    pub sdk: Option<String>,
}

impl Found {
    /// What `evidence` holds of the four kinds.
    pub fn of(pack: &Pack, evidence: &Evidence) -> Found {
        Found {
            permissions: facts(pack, evidence, "permission").map(|facts| facts.map(permission).collect()),
            sdks: facts(pack, evidence, "sdk").map(|facts| facts.map(sdk).collect()),
            destinations: facts(pack, evidence, "flow").map(destinations),
            behaviors: facts(pack, evidence, "behavior").map(|facts| facts.map(behavior).collect()),
        }
    }

    /// True when none of the four kinds was observed.
    pub fn is_empty(&self) -> bool {
        self.permissions.is_none() && self.sdks.is_none() && self.destinations.is_none() && self.behaviors.is_none()
    }

    /// The four kinds as the tables of the HTML and Markdown forms: their names, columns and cells.
    pub fn tables(&self) -> [Table; 4] {
        let dash = |value: &Option<String>| Cell::Text(words::or_dash(value.as_deref()).to_owned());
        [
            Table::of(
                "Permissions",
                &["permission", "protection level", "source", "granted"],
                &self.permissions,
                |p| {
                    let granted = p.granted.map_or("—", |g| if g { "yes" } else { "no" });
                    vec![
                        Cell::Code(p.name.clone()),
                        Cell::Level(words::or_dash(p.protection.as_deref()).to_owned()),
                        dash(&p.source),
                        Cell::Text(granted.to_owned()),
                    ]
                },
            ),
            Table::of("SDKs and trackers", &["id", "name", "kind", "country"], &self.sdks, |s| {
                vec![Cell::Code(s.id.clone()), dash(&s.name), dash(&s.kind), dash(&s.country)]
            }),
            Table::of(
                "Network destinations",
                &["host", "country", "data types", "state", "SDK", "flows"],
                &self.destinations,
                |d| {
                    let flows: Vec<String> = d.flows.iter().map(ToString::to_string).collect();
                    vec![
                        Cell::Code(d.host.clone()),
                        Cell::Text(words::list_or_dash(&d.countries)),
                        Cell::Text(words::list_or_dash(&d.data)),
                        Cell::Text(words::list_or_dash(&d.states)),
                        Cell::Text(words::list_or_dash(&d.sdks)),
                        Cell::Text(flows.join(", ")),
                    ]
                },
            ),
            Table::of("Behaviors", &["behavior", "app state", "SDK", "detail"], &self.behaviors, |b| {
                vec![Cell::Code(b.kind.clone()), dash(&b.state), dash(&b.sdk), dash(&b.detail)]
            }),
        ]
    }
}

/// One kind of [`Found`] as a table, for the forms that draw tables (HTML, Markdown).
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// Its heading (`Permissions`).
    pub name: &'static str,
    /// Its column headings.
    pub columns: &'static [&'static str],
    /// A row of cells per item, in order; `None` when the kind was not observed.
    pub rows: Option<Vec<Vec<Cell>>>,
}

impl Table {
    fn of<T>(
        name: &'static str,
        columns: &'static [&'static str],
        items: &Option<Vec<T>>,
        row: impl Fn(&T) -> Vec<Cell>,
    ) -> Table {
        Table { name, columns, rows: items.as_ref().map(|items| items.iter().map(row).collect()) }
    }
}

/// A cell of a [`Table`], its text unescaped; each form escapes and marks it up its own way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    /// A name as it is written (a permission, an SDK id, a host, a behavior): code.
    Code(String),
    /// Words, or `—` for nothing.
    Text(String),
    /// An Android protection level (`dangerous|instant`), which HTML shows as a badge.
    Level(String),
}

/// The facts of kind `name` as `(index, object)`, or `None` when the pack does not declare the
/// kind or the evidence did not observe it.
fn facts<'a>(
    pack: &'a Pack,
    evidence: &'a Evidence,
    name: &str,
) -> Option<impl Iterator<Item = (usize, Map<String, Value>)> + 'a> {
    let kind = pack.schema.kind_id(name)?;
    let table = evidence.table(kind).filter(|t| t.observed)?;
    Some((0..table.len).map(move |index| match evidence.fact_json(&pack.schema, kind, index) {
        Value::Object(map) => (index, map),
        _ => (index, Map::new()),
    }))
}

fn string(fact: &Map<String, Value>, field: &str) -> Option<String> {
    fact.get(field).and_then(Value::as_str).map(str::to_owned)
}

fn permission((index, fact): (usize, Map<String, Value>)) -> FoundPermission {
    let name = string(&fact, "name").unwrap_or_default();
    let (protection, protection_from) = match string(&fact, "protection") {
        Some(level) => (Some(level), Some("evidence")),
        None => match indicia_extract::protection_level(&name) {
            Some(level) => (Some(level.to_owned()), Some(AOSP)),
            None => (None, None),
        },
    };
    FoundPermission {
        index,
        protection,
        protection_from,
        source: string(&fact, "source"),
        granted: fact.get("granted").and_then(Value::as_bool),
        name,
    }
}

/// The name of the built-in permission table as a source of protection levels.
const AOSP: &str = "aosp-36";

fn sdk((index, fact): (usize, Map<String, Value>)) -> FoundSdk {
    FoundSdk {
        index,
        id: string(&fact, "id").unwrap_or_default(),
        name: string(&fact, "name"),
        kind: string(&fact, "kind"),
        country: string(&fact, "country"),
    }
}

fn behavior((index, fact): (usize, Map<String, Value>)) -> FoundBehavior {
    FoundBehavior {
        index,
        kind: string(&fact, "kind").unwrap_or_default(),
        state: string(&fact, "state"),
        detail: string(&fact, "detail"),
        sdk: string(&fact, "sdk"),
    }
}

/// Flows grouped by host, in order of each host's first flow.
fn destinations(flows: impl Iterator<Item = (usize, Map<String, Value>)>) -> Vec<Destination> {
    let mut out: Vec<Destination> = Vec::new();
    let mut by_host: HashMap<String, usize> = HashMap::new();
    for (index, flow) in flows {
        let host = string(&flow, "host").unwrap_or_default();
        let position = match by_host.get(&host) {
            Some(&position) => position,
            None => {
                by_host.insert(host.clone(), out.len());
                out.push(Destination {
                    host,
                    countries: Vec::new(),
                    data: Vec::new(),
                    sdks: Vec::new(),
                    states: Vec::new(),
                    flows: Vec::new(),
                });
                out.len() - 1
            }
        };
        let Some(destination) = out.get_mut(position) else { continue };
        destination.flows.push(index);
        destination.countries.extend(string(&flow, "country"));
        destination.sdks.extend(string(&flow, "sdk"));
        destination.states.extend(string(&flow, "state"));
        if let Some(Value::Array(data)) = flow.get("data") {
            destination.data.extend(data.iter().filter_map(Value::as_str).map(str::to_owned));
        }
    }
    for destination in &mut out {
        for list in [&mut destination.countries, &mut destination.data, &mut destination.sdks, &mut destination.states]
        {
            list.sort();
            list.dedup();
        }
    }
    out
}
