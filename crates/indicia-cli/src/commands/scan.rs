//! `indicia scan APP... [--har F]... [--time-limit S]`: extract evidence from apps (and, for one
//! app, its captures and run-time files) and score it in one step. Kinds that only a dynamic analysis
//! observes stay unobserved unless a capture is given, so their indicators are inconclusive, not
//! passed.
//!
//! One app (one file, or one split APK set) prints its report as `eval` prints one object: pretty JSON
//! or the text report. Anything else (several arguments, a directory searched for apps) is a batch
//! ([`crate::scan_batch`]): JSON Lines, one line per app in input order, or the text reports followed
//! by the table across apps. Captures and run-time files belong to one app, so they are refused with
//! several.

use std::time::{Duration, Instant};

use indicia_extract::{Limits, Options, Source};

use crate::apps::{self, Found};
use crate::cli::ScanCommandArgs;
use crate::exit::Status;
use crate::output::{self, view::ReportView};

/// Extracts, scores and prints one report, or a batch of them.
pub fn run(args: &ScanCommandArgs) -> Status {
    let limit = match time_limit(args.time_limit) {
        Ok(limit) => limit,
        Err(message) => {
            crate::errln!("error: {message}");
            return Status::Usage;
        }
    };
    let single = apps::is_single_app(&args.scan.apps);
    let per_app = args.scan.per_app_flags();
    if !single && !per_app.is_empty() {
        crate::errln!(
            "error: {} belong to one app, but the arguments name several (or a directory): scan that app alone",
            per_app.join(", ")
        );
        return Status::Usage;
    }
    let engine = match crate::pack::load_engine_with_params(args.rules.as_deref(), &args.params) {
        Ok(engine) => engine.explaining(true),
        Err(status) => return status,
    };
    let options = match crate::commands::extract::options(&args.scan.options) {
        Ok(options) => options,
        Err(error) => {
            crate::errln!("error: {error}");
            return Status::Usage;
        }
    };
    if single {
        return scan_single(args, &engine, options, limit);
    }
    if args.format.one_app_only() {
        crate::errln!("error: --format sarif and --format html print one app's report: scan one app at a time");
        return Status::Usage;
    }
    let style = output::text::Style::for_stdout();
    let batch = crate::scan_batch::Batch { engine, options, format: args.format, style, limit };
    crate::scan_batch::run(batch, apps::find(&args.scan.apps))
}

/// `--time-limit`: seconds, 0 for none.
fn time_limit(seconds: f64) -> Result<Option<Duration>, String> {
    match Duration::try_from_secs_f64(seconds) {
        Ok(limit) if limit.is_zero() => Ok(None),
        Ok(limit) => Ok(Some(limit)),
        Err(_) => Err(format!("--time-limit takes a number of seconds, 0 or more (got {seconds})")),
    }
}

/// One app: its report, pretty JSON or text, as `eval` prints one evidence object.
fn scan_single(args: &ScanCommandArgs, engine: &indicia::Engine, options: Options, limit: Option<Duration>) -> Status {
    let options = Options {
        limits: Limits { deadline: limit.and_then(|l| Instant::now().checked_add(l)), ..options.limits },
        ..options
    };
    let found = apps::find(&args.scan.apps).next().map(|app| app.found);
    let sources = match found {
        // A file named on the command line that cannot be read or is not what it claims to be is 2,
        // as `extract` says it (docs/exit-statuses.md).
        Some(Found::File(path)) => Source::app(&path).map(|s| vec![s]).map_err(|e| (e.to_string(), Status::Usage)),
        Some(Found::Split(parts)) => Ok(parts.into_iter().map(Source::Apk).collect()),
        Some(Found::Unreadable { reason, named }) => Err((reason, if named { Status::Usage } else { Status::Failure })),
        None => Err(("no app given".to_owned(), Status::Usage)),
    };
    let merged = sources.and_then(|sources| {
        crate::commands::extract::app_evidence(sources, &args.scan, &options).map_err(|e| (e, Status::Usage))
    });
    let merged = match merged {
        Ok(merged) => merged,
        Err((error, status)) => {
            crate::errln!("error: {error}");
            return status;
        }
    };
    for w in &merged.warnings {
        crate::errln!("warning: {w}");
    }
    let evidence = match engine.read_evidence_value(&merged.evidence) {
        Ok(evidence) => evidence,
        Err(error) => {
            crate::errln!("error: the extracted evidence does not fit the pack's schema: {error}");
            return Status::Failure;
        }
    };
    let mut report = engine.evaluate(&evidence);
    // The extraction's warnings, after the evidence's own: the report shows what was not read.
    report.warnings.extend(merged.warnings.iter().map(|w| format!("extract: {w}")));
    let source = args.scan.apps.first().map(|p| p.to_string_lossy().into_owned());
    let view = ReportView::new(engine.pack(), &evidence, &report, source.as_deref());
    let options = output::Options { pretty: true, detailed: true, style: output::text::Style::for_stdout() };
    crate::out!("{}", output::render(args.format, &view, options));
    Status::Success
}
