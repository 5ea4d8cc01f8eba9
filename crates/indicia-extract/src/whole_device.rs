//! Files that cover every app on a device (the App Privacy Report, AppOps, package dumps): the messages
//! given when the scanned app cannot be picked from one.

use std::collections::BTreeSet;

use crate::error::ExtractError;

/// How many app names a message lists before `and N more`.
const LISTED: usize = 10;

/// `a, b, c and 7 more` (the first ten names), or `no app`.
pub(crate) fn some_apps(apps: &BTreeSet<String>) -> String {
    if apps.is_empty() {
        return "no app".to_owned();
    }
    let listed: Vec<&str> = apps.iter().map(String::as_str).take(LISTED).collect();
    let more = apps.len() - listed.len();
    if more > 0 { format!("{} and {more} more", listed.join(", ")) } else { listed.join(", ") }
}

/// The warning for a file `what` (`AppOps dump`, `App Privacy Report`…) without the scanned app: nothing
/// from it is used, since an app missing from it may not have run, or the id may be wrong.
pub(crate) fn app_missing(source: &str, app_id: &str, what: &str, apps: &BTreeSet<String>) -> String {
    format!("{source}: no record of `{app_id}` in this {what} (it names {}); nothing from it is used", some_apps(apps))
}

/// The error for a file `what` of several apps given without the scanned app's id.
pub(crate) fn several_apps(source: &str, what: &str, apps: &BTreeSet<String>) -> ExtractError {
    ExtractError::new(
        source,
        format!(
            "{what} names {} apps ({}): give the app itself or --app-id to pick its records",
            apps.len(),
            some_apps(apps)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apps(n: usize) -> BTreeSet<String> {
        (0..n).map(|i| format!("app{i:02}")).collect()
    }

    #[test]
    fn lists_ten_apps_then_counts_the_rest() {
        assert_eq!(some_apps(&apps(0)), "no app");
        assert_eq!(some_apps(&apps(2)), "app00, app01");
        assert_eq!(some_apps(&apps(10)).matches(", ").count(), 9);
        assert!(some_apps(&apps(13)).ends_with("app09 and 3 more"));
        assert_eq!(
            app_missing("r.ndjson", "com.x", "App Privacy Report", &apps(1)),
            "r.ndjson: no record of `com.x` in this App Privacy Report (it names app00); nothing from it is used"
        );
        assert_eq!(
            several_apps("ops.txt", "AppOps dump", &apps(2)).to_string(),
            "ops.txt: AppOps dump names 2 apps (app00, app01): give the app itself or --app-id to pick its records"
        );
    }
}
