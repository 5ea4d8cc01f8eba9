//! One app's report with what every rendering needs beside it: the pack, the evidence the witnesses
//! point into, what was found, and the file the report is about.

use indicia::Report;
use indicia::evidence::Evidence;
use indicia::hir::Pack;
use indicia::report::WitnessRef;
use serde_json::Value;

use super::found::Found;

/// One app's report, ready to render in any format.
pub struct ReportView<'a> {
    /// The pack that scored it.
    pub pack: &'a Pack,
    /// The evidence it was scored on.
    pub evidence: &'a Evidence,
    /// The report.
    pub report: &'a Report,
    /// The evidence behind the verdicts.
    pub found: Found,
    /// The file the report is about (the app for `scan`, the evidence file for `eval`), as given.
    pub source: Option<&'a str>,
}

impl<'a> ReportView<'a> {
    /// The view of `report`, scored by `pack` on `evidence` read from `source`.
    pub fn new(pack: &'a Pack, evidence: &'a Evidence, report: &'a Report, source: Option<&'a str>) -> ReportView<'a> {
        ReportView { pack, evidence, report, found: Found::of(pack, evidence), source }
    }

    /// The fact a witness names, as a JSON object of its fields (empty for a kind or index the
    /// evidence does not have).
    pub fn fact(&self, witness: &WitnessRef) -> Value {
        self.pack
            .schema
            .kind_id(&witness.kind)
            .map(|kind| self.evidence.fact_json(&self.pack.schema, kind, witness.index as usize))
            .unwrap_or_else(|| Value::Object(serde_json::Map::new()))
    }

    /// A fact as one line: `kind[index] {fields}`.
    pub fn fact_line(&self, witness: &WitnessRef) -> String {
        format!("{}[{}] {}", witness.kind, witness.index, self.fact(witness))
    }

    /// The app's name, when the evidence gives one.
    pub fn app_name(&self) -> Option<&str> {
        self.report.app.get("name").and_then(Value::as_str)
    }
}
