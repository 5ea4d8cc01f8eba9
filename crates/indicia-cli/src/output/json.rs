//! The detailed JSON report (`eval --explain`, `scan`): the engine's report with members added, none
//! changed (docs/report.md): each witness, and each fact of an explanation, gets its `fact`, and the
//! report gets `found`, the evidence behind the verdicts.

use indicia::report::WitnessRef;
use serde_json::Value;

use super::view::ReportView;

/// The report as a JSON value, with `fact` on every witness and explanation fact, and `found`.
pub fn detailed(view: &ReportView<'_>) -> Value {
    let mut value = match serde_json::to_value(view.report) {
        Ok(value) => value,
        // A report is plain data (strings, numbers, lists, maps with string keys): serialising it
        // to a value cannot fail; keep an empty object rather than panic.
        Err(_) => return Value::Object(serde_json::Map::new()),
    };
    if let Some(indicators) = value.get_mut("indicators").and_then(Value::as_array_mut) {
        for (slot, indicator) in indicators.iter_mut().zip(&view.report.indicators) {
            add_facts(view, slot.get_mut("witnesses"), &indicator.witnesses);
            if let (Some(explanation), Some(e)) = (slot.get_mut("explanation"), &indicator.explanation) {
                add_facts(view, explanation.get_mut("undecided"), &e.undecided);
                add_facts(view, explanation.get_mut("supporting"), &e.supporting);
            }
        }
    }
    if let (Some(object), Ok(found)) = (value.as_object_mut(), serde_json::to_value(&view.found)) {
        object.insert("found".to_owned(), found);
    }
    value
}

/// Adds `fact` to each `{kind, index}` object of `slot`, parallel to `refs`.
fn add_facts(view: &ReportView<'_>, slot: Option<&mut Value>, refs: &[WitnessRef]) {
    let Some(Value::Array(items)) = slot else { return };
    for (item, witness) in items.iter_mut().zip(refs) {
        if let Some(object) = item.as_object_mut() {
            object.insert("fact".to_owned(), view.fact(witness));
        }
    }
}
