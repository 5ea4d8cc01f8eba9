//! `indicia scan APP [--har F]...`: extract evidence from an app file (and captures) and score it
//! in one step. Kinds that only a dynamic analysis observes stay unobserved unless a capture is
//! given, so their indicators are inconclusive, not passed.

use crate::cli::{ReportFormat, ScanCommandArgs};
use crate::exit::Status;
use crate::output::text;

/// Extracts, scores and prints one report.
pub fn run(args: &ScanCommandArgs) -> Status {
    let engine = match crate::pack::load_engine_with_params(args.rules.as_deref(), &args.params) {
        Ok(engine) => engine,
        Err(status) => return status,
    };
    let engine = engine.explaining(true);
    let evidence = match crate::commands::extract::scan_evidence(&args.scan) {
        Ok(evidence) => evidence,
        Err(error) => {
            crate::errln!("error: {error}");
            return if args.scan.app.exists() { Status::Failure } else { Status::Usage };
        }
    };
    let bytes = evidence.to_string();
    let evidence = match engine.read_evidence(bytes.as_bytes()) {
        Ok(evidence) => evidence,
        Err(error) => {
            crate::errln!("error: the extracted evidence does not fit the pack's schema: {error}");
            return Status::Failure;
        }
    };
    let report = engine.evaluate(&evidence);
    match args.format {
        ReportFormat::Json => match serde_json::to_string_pretty(&report) {
            Ok(json) => crate::outln!("{json}"),
            Err(error) => {
                crate::errln!("error: {error}");
                return Status::Failure;
            }
        },
        ReportFormat::Text => crate::out!("{}", text::render_report(engine.pack(), &evidence, &report)),
    }
    Status::Success
}
