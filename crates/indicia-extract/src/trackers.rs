//! Tracker and SDK signatures: Exodus Privacy lists (and ETIP exports) given by the user, or the built-in
//! set taken from the LibChecker rules (Apache-2.0).
//!
//! Code signatures that are regular expressions run as one [`RegexSet`] pass over each class name,
//! component ones as one pass over each component name, and network signatures as one pass over each
//! host. A LibChecker rule that is a plain name (853 of the 893 built-in ones) is no regular
//! expression: a package name is looked up with each package prefix of a class name, and a component
//! name as it is, in a hash map. So building the built-in set compiles 40 patterns, not 893 (the
//! process start-up of `indicia extract` fell from about 200 to about 20 million instructions).

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
    /// Package names (plain LibChecker `dex_package` rules) → their owners.
    packages: HashMap<String, Vec<usize>>,
    component: RegexSet,
    component_owner: Vec<usize>,
    /// Component names (plain LibChecker component rules) → their owners.
    component_names: HashMap<String, Vec<usize>>,
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

/// Collects patterns with their owners; [`Patterns::compile`] drops (and records) the ones that do not
/// compile on their own.
#[derive(Default)]
struct Patterns {
    list: Vec<String>,
    owner: Vec<usize>,
}

impl Patterns {
    fn add(&mut self, pattern: String, owner: usize) {
        self.list.push(pattern);
        self.owner.push(owner);
    }

    /// One set of every pattern, and each one's owner. Compiled as one set first (the usual case:
    /// every pattern compiles); only when the set does not compile is each pattern compiled alone,
    /// and those that fail are left out and named in `skipped`.
    fn compile(self, skipped: &mut Vec<String>) -> Result<(RegexSet, Vec<usize>), String> {
        if let Ok(set) = compile(&self.list) {
            return Ok((set, self.owner));
        }
        let mut kept = Patterns::default();
        for (pattern, owner) in self.list.into_iter().zip(self.owner) {
            match regex::Regex::new(&pattern) {
                Ok(_) => kept.add(pattern, owner),
                Err(e) => skipped.push(format!("`{pattern}`: {e}")),
            }
        }
        Ok((compile(&kept.list)?, kept.owner))
    }
}

/// Adds `owner` to the owners of `name`.
fn add_owner(map: &mut HashMap<String, Vec<usize>>, name: &str, owner: usize) {
    let owners = map.entry(name.to_owned()).or_default();
    if !owners.contains(&owner) {
        owners.push(owner);
    }
}

/// `kind` of an Exodus category list: the first category that maps.
fn exodus_kind(categories: Option<&Value>) -> Option<String> {
    let cats = categories?.as_array()?;
    cats.iter().filter_map(Value::as_str).find_map(category_kind).map(str::to_owned)
}

/// `kind` of one Exodus category (`Analytics` → `analytics`), or `None` for one without a kind.
pub(crate) fn category_kind(category: &str) -> Option<&'static str> {
    Some(match category {
        "Analytics" => "analytics",
        "Advertisement" => "ads",
        "Crash reporting" => "crash",
        "Identification" => "identification",
        "Location" => "location",
        "Profiling" => "profiling",
        _ => return None,
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
                code.add(cs.to_owned(), owner);
            }
            let ns = str_field(obj, "network_signature");
            if !ns.is_empty() {
                net.add(ns.to_owned(), owner);
            }
        }
        let (code, code_owner) = code.compile(&mut skipped)?;
        let (network, network_owner) = net.compile(&mut skipped)?;
        Ok(Self {
            signatures,
            code,
            code_owner,
            packages: HashMap::new(),
            component: RegexSet::empty(),
            component_owner: Vec::new(),
            component_names: HashMap::new(),
            network,
            network_owner,
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
        let mut packages: HashMap<String, Vec<usize>> = HashMap::new();
        let mut component_names: HashMap<String, Vec<usize>> = HashMap::new();
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
                // A plain name matches the class of that name and every class under it: what
                // `^{escaped name}(?:\.|$)` would match.
                if is_regex {
                    code.add(format!("^(?:{name})"), owner);
                } else {
                    add_owner(&mut packages, name, owner);
                }
            } else if is_regex {
                comp.add(format!("^(?:{name})$"), owner);
            } else {
                add_owner(&mut component_names, name, owner);
            }
        }
        if signatures.is_empty() {
            return Err("the rule list is empty".to_owned());
        }
        for (i, sig) in signatures.iter_mut().enumerate() {
            sig.id = prefixes.remove(&i).unwrap_or_else(|| sig.name.clone());
        }
        let (code, code_owner) = code.compile(&mut skipped)?;
        let (component, component_owner) = comp.compile(&mut skipped)?;
        Ok(Self {
            signatures,
            code,
            code_owner,
            packages,
            component,
            component_owner,
            component_names,
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
            if !self.packages.is_empty() {
                // The class itself, and each prefix that ends before a `.`.
                let prefixes = class.match_indices('.').filter_map(|(at, _)| class.get(..at));
                for name in prefixes.chain([class]) {
                    found.extend(self.packages.get(name).into_iter().flatten());
                }
            }
            for i in self.code.matches(class).iter() {
                if let Some(&owner) = self.code_owner.get(i) {
                    found.insert(owner);
                }
            }
        }
        for comp in components {
            found.extend(self.component_names.get(comp).into_iter().flatten());
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

    /// The hash lookup of plain names finds what the anchored, escaped regular expressions of the
    /// first version found (`^name(?:\.|$)` for a package, `^name$` for a component), on names
    /// made from every rule: the name, names under it, names that only start like it, its prefixes.
    #[test]
    fn plain_names_match_as_their_regexes_did() {
        let set = TrackerSet::builtin().unwrap();
        let doc: Value = serde_json::from_str(BUILTIN_RULES).unwrap();
        let owner_of = |label: &str| set.signatures.iter().position(|s| s.name == label).unwrap();
        // The plain rules as the first version compiled them: (pattern, owner), packages and components.
        let (mut packages, mut components) = (Vec::new(), Vec::new());
        for rule in doc["rules"].as_array().unwrap() {
            if rule["is_regex"] == true {
                continue;
            }
            let (name, owner) = (rule["name"].as_str().unwrap(), owner_of(rule["label"].as_str().unwrap()));
            match rule["type"].as_str().unwrap() {
                "dex_package" => packages.push((format!("^{}(?:\\.|$)", regex::escape(name)), owner, name)),
                _ => components.push((format!("^{}$", regex::escape(name)), owner, name)),
            }
        }
        assert!(packages.len() > 50 && components.len() > 500, "{} {}", packages.len(), components.len());
        let probes = |rules: &[(String, usize, &str)]| -> Vec<String> {
            let mut out = Vec::new();
            for (_, _, n) in rules {
                out.extend([n.to_string(), format!("{n}.Foo"), format!("{n}.a.b.C"), format!("{n}Foo")]);
                out.extend([format!("{n}$Inner"), format!("x{n}"), n[..n.len() - 1].to_owned()]);
                if let Some((head, _)) = n.rsplit_once('.') {
                    out.extend([head.to_owned(), format!("{head}.Other")]);
                }
            }
            out
        };
        let package_set = RegexSet::new(packages.iter().map(|r| &r.0)).unwrap();
        let component_set = RegexSet::new(components.iter().map(|r| &r.0)).unwrap();
        let old =
            |rules: &[(String, usize, &str)], plain: &RegexSet, regexes: &RegexSet, owners: &[usize], name: &str| {
                let mut found: BTreeSet<usize> = plain.matches(name).iter().map(|i| rules[i].1).collect();
                found.extend(regexes.matches(name).iter().map(|i| owners[i]));
                found
            };
        let mut matched = 0;
        for class in probes(&packages) {
            let expected = old(&packages, &package_set, &set.code, &set.code_owner, &class);
            assert_eq!(set.match_code([class.as_str()], []), expected, "{class}");
            matched += usize::from(!expected.is_empty());
        }
        for name in probes(&components) {
            let expected = old(&components, &component_set, &set.component, &set.component_owner, &name);
            assert_eq!(set.match_code([], [name.as_str()]), expected, "{name}");
            matched += usize::from(!expected.is_empty());
        }
        assert!(matched > 1000, "{matched}");
    }

    #[test]
    fn a_pattern_that_does_not_compile_is_skipped_and_named() {
        let set = TrackerSet::from_json(
            r#"[{"name": "Broken", "code_signature": "com.broken.("},
                {"name": "Fine", "code_signature": "com.fine."}]"#,
            "test",
        )
        .unwrap();
        assert_eq!(set.skipped.len(), 1, "{:?}", set.skipped);
        assert!(set.skipped[0].starts_with("`com.broken.(`"), "{:?}", set.skipped);
        assert_eq!(set.match_code(["com.fine.Thing"], []).into_iter().collect::<Vec<_>>(), [1]);
        assert!(set.match_code(["com.broken.Thing"], []).is_empty());
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
