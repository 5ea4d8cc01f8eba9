//! Android manifest semantics, common to text manifests and binary (AXML) ones.

use serde_json::{Value, json};

use crate::evidence::{AppInfo, Kind, Partial};
use crate::xml::{AttrValue, Element};

/// The permission a broad `<queries>` element stands for.
pub const QUERY_ALL_PACKAGES: &str = "android.permission.QUERY_ALL_PACKAGES";
const ACTION_MAIN: &str = "android.intent.action.MAIN";

/// One declared component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    /// `activity`, `activity-alias`, `service`, `receiver` or `provider`.
    pub kind: &'static str,
    /// Fully qualified class name (for an alias: the alias name).
    pub name: String,
    /// Whether other apps can start it: the explicit `android:exported`, else Android's default (see
    /// [`Manifest::from_element`]); `None` when unknown.
    pub exported: Option<bool>,
}

/// What evidence takes from one manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    /// `package`, where the manifest has one.
    pub package: Option<String>,
    /// `android:versionName` when it is a literal string.
    pub version_name: Option<String>,
    /// `android:versionCode`.
    pub version_code: Option<i64>,
    /// `uses-sdk` `minSdkVersion`.
    pub min_sdk: Option<i64>,
    /// `uses-sdk` `targetSdkVersion`.
    pub target_sdk: Option<i64>,
    /// `uses-permission` and `uses-permission-sdk-23` names, in document order, without repeats.
    pub permissions: Vec<String>,
    /// Whether a `<queries>` intent names `android.intent.action.MAIN`.
    pub queries_all: bool,
    /// Components in document order.
    pub components: Vec<Component>,
}

fn removed(el: &Element) -> bool {
    matches!(el.tools("node").map(AttrValue::text).as_deref(), Some("remove" | "removeAll"))
}

/// Resolves a component class name against the package: `.Foo` and `Foo` (no dot) are relative.
pub fn qualify(name: &str, package: Option<&str>) -> String {
    match package {
        Some(pkg) if name.starts_with('.') => format!("{pkg}{name}"),
        Some(pkg) if !name.contains('.') && !name.is_empty() => format!("{pkg}.{name}"),
        _ => name.to_owned(),
    }
}

fn substitute(text: &str, package: Option<&str>) -> String {
    match package {
        Some(pkg) => text.replace("${applicationId}", pkg),
        None => text.to_owned(),
    }
}

impl Manifest {
    /// Reads a `<manifest>` root element. `fallback_package` resolves relative names and
    /// `${applicationId}` when the manifest has no `package` (Gradle source manifests).
    ///
    /// `exported` defaults, where the attribute is absent: an activity, service or receiver is exported
    /// when it has an `<intent-filter>`; a provider when `targetSdkVersion` (or else `minSdkVersion`) is at
    /// most 16, not exported when it is higher, unknown when neither is given.
    pub fn from_element(root: &Element, fallback_package: Option<&str>) -> Result<Self, String> {
        if root.name != "manifest" {
            return Err(format!("root element is <{}>, not <manifest>", root.name));
        }
        let mut m = Manifest {
            package: root.plain("package").map(AttrValue::text).filter(|p| !p.is_empty()),
            ..Manifest::default()
        };
        m.version_name = match root.android("versionName") {
            Some(AttrValue::Str(s)) if !s.is_empty() && !s.starts_with("${") => Some(s.clone()),
            _ => None,
        };
        m.version_code = root.android("versionCode").and_then(AttrValue::as_int);
        let pkg_owned = m.package.clone().or_else(|| fallback_package.map(str::to_owned));
        let pkg = pkg_owned.as_deref();
        for child in &root.children {
            match child.name.as_str() {
                "uses-permission" | "uses-permission-sdk-23" | "uses-permission-sdk-m" if !removed(child) => {
                    if let Some(name) = child.android("name").map(AttrValue::text) {
                        let name = substitute(&name, pkg);
                        if !name.is_empty() && !m.permissions.contains(&name) {
                            m.permissions.push(name);
                        }
                    }
                }
                "uses-sdk" => {
                    m.min_sdk = m.min_sdk.or(child.android("minSdkVersion").and_then(AttrValue::as_int));
                    m.target_sdk = m.target_sdk.or(child.android("targetSdkVersion").and_then(AttrValue::as_int));
                }
                "queries" => {
                    let main = child.children_named("intent").any(|intent| {
                        intent
                            .children_named("action")
                            .any(|a| a.android("name").map(AttrValue::text).as_deref() == Some(ACTION_MAIN))
                    });
                    m.queries_all |= main;
                }
                _ => {}
            }
        }
        let provider_default = m.target_sdk.or(m.min_sdk).map(|sdk| sdk <= 16);
        for app in root.children_named("application") {
            for child in &app.children {
                let kind = match child.name.as_str() {
                    "activity" => "activity",
                    "activity-alias" => "activity-alias",
                    "service" => "service",
                    "receiver" => "receiver",
                    "provider" => "provider",
                    _ => continue,
                };
                if removed(child) {
                    continue;
                }
                let Some(name) = child.android("name").map(AttrValue::text) else {
                    continue;
                };
                let exported = match child.android("exported") {
                    Some(v) => v.as_bool(),
                    None if kind == "provider" => provider_default,
                    None => Some(child.children_named("intent-filter").next().is_some()),
                };
                m.components.push(Component { kind, name: qualify(&substitute(&name, pkg), pkg), exported });
            }
        }
        Ok(m)
    }

    /// The facts: `permission` (source `manifest`, and `queries` for a broad `<queries>`) and `component`.
    pub fn into_partial(self, source: &str, kinds: &[Kind]) -> Partial {
        let mut p = Partial::new(source, kinds);
        p.app = AppInfo {
            id: self.package.clone(),
            name: None,
            platform: Some("android"),
            version: self.version_name.clone(),
        };
        for name in &self.permissions {
            p.push(Kind::Permission, json!({ "name": name, "source": "manifest" }));
        }
        if self.queries_all {
            p.push(Kind::Permission, json!({ "name": QUERY_ALL_PACKAGES, "source": "queries" }));
        }
        for c in &self.components {
            let exported = c.exported.map_or(Value::Null, Value::Bool);
            p.push(Kind::Component, json!({ "kind": c.kind, "name": c.name, "exported": exported }));
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse_text;

    #[test]
    fn reads_a_manifest() {
        let root = parse_text(
            r#"<manifest xmlns:android="http://schemas.android.com/apk/res/android"
                xmlns:tools="http://schemas.android.com/tools" package="com.ex">
              <uses-permission android:name="android.permission.CAMERA"/>
              <uses-permission-sdk-23 android:name="android.permission.READ_CONTACTS"/>
              <uses-permission android:name="android.permission.X" tools:node="remove"/>
              <queries><intent><action android:name="android.intent.action.MAIN"/></intent></queries>
              <application>
                <activity android:name=".Main"><intent-filter/></activity>
                <service android:name="Svc" android:exported="false"/>
                <receiver android:name="org.other.R"/>
                <provider android:name=".P"/>
              </application></manifest>"#,
        )
        .unwrap();
        let m = Manifest::from_element(&root, None).unwrap();
        assert_eq!(m.package.as_deref(), Some("com.ex"));
        assert_eq!(m.permissions, ["android.permission.CAMERA", "android.permission.READ_CONTACTS"]);
        assert!(m.queries_all);
        let names: Vec<_> = m.components.iter().map(|c| (c.name.as_str(), c.exported)).collect();
        assert_eq!(
            names,
            [
                ("com.ex.Main", Some(true)),
                ("com.ex.Svc", Some(false)),
                ("org.other.R", Some(false)),
                ("com.ex.P", None)
            ]
        );
    }
}
