//! Tracker and SDK signatures: Exodus Privacy lists (and ETIP exports) given by the user, or the built-in
//! set taken from the LibChecker rules (Apache-2.0).
//!
//! All code signatures run as one [`RegexSet`] pass over each class name, component signatures as one
//! pass over each component name, and network signatures as one pass over each host.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use regex::{RegexSet, RegexSetBuilder};
use serde_json::{Map, Value, json};

/// The built-in rules: LibChecker-Rules, derived (see `data/README.md`).
const BUILTIN_RULES: &str = include_str!("../data/libchecker_rules.json");

/// Where the built-in set comes from, for documentation and `--help`.
pub const BUILTIN_ORIGIN: &str = "LibChecker-Rules v3 @ 3ec8753a0bb53843793e19537bcaf7cd73b9a05d (Apache-2.0)";

/// One SDK or tracker that signatures can find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// The `sdk.id` written for it: the list's id, or a package prefix.
    pub id: String,
    /// Human name.
    pub name: String,
    /// What it is for (`analytics`, `ads`, `push`, `crash`, …), where known.
    pub kind: Option<String>,
}

impl Signature {
    /// The `sdk` fact for this signature.
    pub fn fact(&self) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        m.insert("name".into(), json!(self.name));
        if let Some(kind) = &self.kind {
            m.insert("kind".into(), json!(kind));
        }
        Value::Object(m)
    }
}

/// A compiled set of signatures.
#[derive(Debug, Clone)]
pub struct TrackerSet {
    /// The signatures, indexed by the owners below.
    pub signatures: Vec<Signature>,
    code: RegexSet,
    code_owner: Vec<usize>,
    component: RegexSet,
    component_owner: Vec<usize>,
    network: RegexSet,
    network_owner: Vec<usize>,
    /// Where the set comes from.
    pub origin: String,
    /// Patterns that did not compile and were skipped.
    pub skipped: Vec<String>,
}

fn compile(patterns: &[String]) -> Result<RegexSet, String> {
    RegexSetBuilder::new(patterns)
        .size_limit(256 << 20)
        .dfa_size_limit(64 << 20)
        .build()
        .map_err(|e| format!("signatures do not compile together: {e}"))
}

/// Collects patterns, dropping (and recording) the ones that do not compile on their own.
#[derive(Default)]
struct Patterns {
    list: Vec<String>,
    owner: Vec<usize>,
}

impl Patterns {
    fn add(&mut self, pattern: String, owner: usize, skipped: &mut Vec<String>) {
        match regex::Regex::new(&pattern) {
            Ok(_) => {
                self.list.push(pattern);
                self.owner.push(owner);
            }
            Err(e) => skipped.push(format!("`{pattern}`: {e}")),
        }
    }
}

/// `kind` of an Exodus category list: the first category that maps.
fn exodus_kind(categories: Option<&Value>) -> Option<String> {
    let cats = categories?.as_array()?;
    cats.iter().filter_map(Value::as_str).find_map(|c| {
        Some(
            match c {
                "Analytics" => "analytics",
                "Advertisement" => "ads",
                "Crash reporting" => "crash",
                "Identification" => "identification",
                "Location" => "location",
                "Profiling" => "profiling",
                _ => return None,
            }
            .to_owned(),
        )
    })
}

/// `kind` of a LibChecker label, from a small table kept here (LibChecker has no categories).
fn libchecker_kind(label: &str) -> Option<&'static str> {
    let has = |words: &[&str]| words.iter().any(|w| label.contains(w));
    if has(&["Push", "推送", "个推", "FCM", "Cloud Messaging"]) {
        Some("push")
    } else if has(&["AdMob", "Ads", "Audience Network", "AppLovin", "IronSource", "Pangle", "广告", "JAd SDK", "推广"])
    {
        Some("ads")
    } else if has(&["Analytics", "分析", "DataFinder", "App Center", "Performance", "Mapbox Mobile Events"]) {
        Some("analytics")
    } else if has(&["Bugly", "Crashlytics", "Sentry", "ACRA", "Instabug"]) {
        Some("crash")
    } else if has(&["UTDID", "MSA SDK", "AAID", "Sofire"]) {
        Some("identification")
    } else if has(&["地图", "高德", "Beacon"]) {
        Some("location")
    } else if has(&["人脸", "实人认证", "旷视"]) {
        Some("identity_verification")
    } else if has(&["Facebook SDK", "微博", "U-Share", "ShareSDK", "分享", "开放平台", "抖音", "Sign-In"]) {
        Some("social")
    } else if has(&["PayPal", "支付", "Ping++", "银联", "Billing", "米大师", "招商银行"]) {
        Some("payment")
    } else {
        None
    }
}

fn str_field<'v>(obj: &'v Map<String, Value>, key: &str) -> &'v str {
    obj.get(key).and_then(Value::as_str).unwrap_or_default()
}

impl TrackerSet {
    /// The built-in set (LibChecker rules: DEX package prefixes and component names).
    pub fn builtin() -> Result<Self, String> {
        Self::from_json(BUILTIN_RULES, BUILTIN_ORIGIN)
    }

    /// Reads signatures from JSON: an Exodus API answer (`{"trackers": {"<id>": {...}}}`), an Exodus or
    /// ETIP list (`{"trackers": [...]}` or a bare array; ETIP entries without `is_in_exodus` kept too),
    /// or LibChecker rules (`{"rules": [...]}`).
    pub fn from_json(text: &str, origin: &str) -> Result<Self, String> {
        let doc: Value = serde_json::from_str(text.strip_prefix('\u{feff}').unwrap_or(text))
            .map_err(|e| format!("not valid JSON: {e}"))?;
        if let Some(rules) = doc.get("rules").and_then(Value::as_array) {
            return Self::from_libchecker(rules, origin);
        }
        let entries: Vec<(Option<String>, &Map<String, Value>)> = match doc.get("trackers").unwrap_or(&doc) {
            Value::Object(map) => map.iter().filter_map(|(k, v)| v.as_object().map(|o| (Some(k.clone()), o))).collect(),
            Value::Array(list) => list.iter().filter_map(Value::as_object).map(|o| (None, o)).collect(),
            _ => return Err("no `trackers` list or `rules` list".to_owned()),
        };
        if entries.is_empty() {
            return Err("the signature list is empty".to_owned());
        }
        let mut signatures = Vec::new();
        let mut skipped = Vec::new();
        let (mut code, mut net) = (Patterns::default(), Patterns::default());
        for (i, (key, obj)) in entries.into_iter().enumerate() {
            let name = str_field(obj, "name");
            if name.is_empty() {
                return Err(format!("tracker {} has no name", key.unwrap_or_else(|| i.to_string())));
            }
            let id = match obj.get("id") {
                Some(Value::Number(n)) => n.to_string(),
                Some(Value::String(s)) if !s.is_empty() => s.clone(),
                _ => key.unwrap_or_else(|| name.to_owned()),
            };
            let owner = signatures.len();
            signatures.push(Signature { id, name: name.to_owned(), kind: exodus_kind(obj.get("categories")) });
            let cs = str_field(obj, "code_signature");
            if !cs.is_empty() {
                code.add(cs.to_owned(), owner, &mut skipped);
            }
            let ns = str_field(obj, "network_signature");
            if !ns.is_empty() {
                net.add(ns.to_owned(), owner, &mut skipped);
            }
        }
        Ok(Self {
            signatures,
            code: compile(&code.list)?,
            code_owner: code.owner,
            component: RegexSet::empty(),
            component_owner: Vec::new(),
            network: compile(&net.list)?,
            network_owner: net.owner,
            origin: origin.to_owned(),
            skipped,
        })
    }

    fn from_libchecker(rules: &[Value], origin: &str) -> Result<Self, String> {
        let mut by_label: BTreeMap<String, usize> = BTreeMap::new();
        let mut signatures: Vec<Signature> = Vec::new();
        let mut prefixes: HashMap<usize, String> = HashMap::new();
        let mut skipped = Vec::new();
        let (mut code, mut comp) = (Patterns::default(), Patterns::default());
        for rule in rules.iter().filter_map(Value::as_object) {
            let kind = str_field(rule, "type");
            let name = str_field(rule, "name");
            let label = str_field(rule, "label");
            let is_regex = rule.get("is_regex").and_then(Value::as_bool).unwrap_or(false);
            if name.is_empty() || label.is_empty() {
                continue;
            }
            let dex = match kind {
                "dex_package" => true,
                "activity" | "service" | "receiver" | "provider" => false,
                _ => continue,
            };
            let owner = *by_label.entry(label.to_owned()).or_insert_with(|| {
                signatures.push(Signature {
                    id: String::new(),
                    name: label.to_owned(),
                    kind: libchecker_kind(label).map(str::to_owned),
                });
                signatures.len() - 1
            });
            if dex {
                let prefix = name.trim_end_matches(".(.*)").to_owned();
                let better = prefixes.get(&owner).is_none_or(|p| prefix.len() < p.len());
                if better {
                    prefixes.insert(owner, prefix);
                }
                let pattern =
                    if is_regex { format!("^(?:{name})") } else { format!("^{}(?:\\.|$)", regex::escape(name)) };
                code.add(pattern, owner, &mut skipped);
            } else {
                let pattern = if is_regex { format!("^(?:{name})$") } else { format!("^{}$", regex::escape(name)) };
                comp.add(pattern, owner, &mut skipped);
            }
        }
        if signatures.is_empty() {
            return Err("the rule list is empty".to_owned());
        }
        for (i, sig) in signatures.iter_mut().enumerate() {
            sig.id = prefixes.remove(&i).unwrap_or_else(|| sig.name.clone());
        }
        Ok(Self {
            signatures,
            code: compile(&code.list)?,
            code_owner: code.owner,
            component: compile(&comp.list)?,
            component_owner: comp.owner,
            network: RegexSet::empty(),
            network_owner: Vec::new(),
            origin: origin.to_owned(),
            skipped,
        })
    }

    /// Signatures (indices into [`TrackerSet::signatures`]) whose code signature matches one of the
    /// class names (Java form, `com.example.Foo`), or whose component signature matches one of the
    /// component names.
    pub fn match_code<'n>(
        &self,
        classes: impl IntoIterator<Item = &'n str>,
        components: impl IntoIterator<Item = &'n str>,
    ) -> BTreeSet<usize> {
        let mut found = BTreeSet::new();
        let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for class in classes {
            if !seen.insert(class) {
                continue;
            }
            for i in self.code.matches(class).iter() {
                if let Some(&owner) = self.code_owner.get(i) {
                    found.insert(owner);
                }
            }
        }
        for comp in components {
            for i in self.component.matches(comp).iter() {
                if let Some(&owner) = self.component_owner.get(i) {
                    found.insert(owner);
                }
            }
        }
        found
    }

    /// The signature whose network signature matches `host` (the first in list order), if any.
    pub fn match_host(&self, host: &str) -> Option<&Signature> {
        let first = self.network.matches(host).iter().next()?;
        let owner = *self.network_owner.get(first)?;
        self.signatures.get(owner)
    }

    /// Whether the set has network signatures.
    pub fn has_network(&self) -> bool {
        !self.network_owner.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_compiles_and_matches() {
        let set = TrackerSet::builtin().unwrap();
        assert!(set.skipped.is_empty(), "{:?}", set.skipped);
        let found = set.match_code(["com.google.firebase.analytics.FirebaseAnalytics"], []);
        let names: Vec<_> = found.iter().map(|&i| set.signatures[i].name.as_str()).collect();
        assert!(names.contains(&"Firebase"), "{names:?}");
        assert!(set.match_code(["com.googlex.Foo"], []).is_empty());
    }

    #[test]
    fn exodus_format() {
        let set = TrackerSet::from_json(
            r#"{"trackers": {"49": {"id": 49, "name": "Google Firebase Analytics",
                "code_signature": "com.google.firebase.analytics.|com.google.android.gms.measurement.",
                "network_signature": "firebase\\.com", "categories": ["Analytics"]}}}"#,
            "test",
        )
        .unwrap();
        let found = set.match_code(["com.google.firebase.analytics.FirebaseAnalytics"], []);
        assert_eq!(found.into_iter().collect::<Vec<_>>(), [0]);
        assert_eq!(
            set.signatures[0].fact(),
            json!({"id": "49", "name": "Google Firebase Analytics", "kind": "analytics"})
        );
        assert_eq!(set.match_host("app-measurement.firebase.com").map(|s| s.id.as_str()), Some("49"));
        assert!(set.match_host("example.com").is_none());
    }
}
