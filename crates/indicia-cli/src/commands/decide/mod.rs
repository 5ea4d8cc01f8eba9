//! `indicia decide [--policy POLICY] [--rules PACK] INPUT...`: one decision per app, with its
//! reason, from evidence, apps or saved reports; printed as text, JSON Lines or CSV, or exported
//! as the application entries of an Android Management API policy or an Apple configuration
//! profile (see `docs/fleet.md`).
//!
//! Saved reports (the JSON Lines `eval` and `scan` write) are decided without the pack and without
//! reading any app: a report is all a policy reads.

mod export;
mod input;
mod render;

use std::path::PathBuf;

use clap::ValueEnum;
use indicia::policy::{Decision, Policy};

use crate::exit::Status;

/// `indicia decide` arguments.
#[derive(Debug, clap::Args)]
pub struct DecideArgs {
    /// The policy: a directory or `.ind` file with a `policy` block (default: the built-in policy).
    #[arg(long, value_name = "POLICY")]
    pub policy: Option<PathBuf>,
    /// Override a policy param: `NAME=VALUE` (repeatable; the last wins), e.g.
    /// `--param 'always_allow=["com.example.app"]'`.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// The pack that scores evidence and apps (default: the built-in pack); saved reports need none.
    #[arg(long, value_name = "PACK")]
    pub rules: Option<PathBuf>,
    /// Override a param of the pack that scores evidence and apps.
    #[arg(long = "rules-param", value_name = "NAME=VALUE")]
    pub rules_params: Vec<String>,
    /// What to print.
    #[arg(long, value_enum, default_value = "text")]
    pub format: DecideFormat,
    /// For the exports: the decisions whose apps are blocked (repeatable; default `deny`).
    #[arg(long = "block", value_name = "DECISION")]
    pub block: Vec<String>,
    /// For the exports: export an allowlist of the apps with these decisions instead of a
    /// blocklist (repeatable, e.g. `--allowlist allow`).
    #[arg(long = "allowlist", value_name = "DECISION")]
    pub allowlist: Vec<String>,
    /// For `mobileconfig`: the profile's identifier (reverse DNS).
    #[arg(long, value_name = "ID", default_value = "org.indicia.fleet")]
    pub profile_id: String,
    /// Evidence (`.json`), batches of evidence or saved reports (`.jsonl`, `-` for standard input),
    /// apps (`.apk`, `.ipa`), or directories of these.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,
}

/// What `decide` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DecideFormat {
    /// One line per app: decision, app, reason.
    Text,
    /// JSON Lines: one object per app.
    Json,
    /// CSV with a header row, for a spreadsheet.
    Csv,
    /// The `applications` of an Android Management API `Policy` (JSON).
    AndroidPolicy,
    /// An Apple configuration profile with a Restrictions payload (XML property list).
    Mobileconfig,
}

/// Decides every input and prints the result.
pub fn run(args: &DecideArgs) -> Status {
    let policy = match load_policy(args) {
        Ok(policy) => policy,
        Err(status) => return status,
    };
    let mut decider = input::Decider::new(&policy, args.rules.as_deref(), &args.rules_params);
    for name in &args.inputs {
        decider.input(name);
    }
    let (decisions, status) = decider.finish();
    let out = match args.format {
        DecideFormat::Text => render::text(&decisions),
        DecideFormat::Json => render::json_lines(&decisions),
        DecideFormat::Csv => render::csv(&decisions),
        DecideFormat::AndroidPolicy | DecideFormat::Mobileconfig => {
            let selection = export::Selection::new(&args.block, &args.allowlist);
            let exported = if args.format == DecideFormat::AndroidPolicy {
                export::android_policy(&decisions, &selection)
            } else {
                export::mobileconfig(&decisions, &selection, &args.profile_id, policy.info())
            };
            match exported {
                Ok(text) => text,
                Err(error) => {
                    crate::errln!("error: {error}");
                    return Status::Failure;
                }
            }
        }
    };
    let mut result = status;
    result.merge(write_out(out.as_bytes()));
    result
}

/// The policy, with its param overrides.
fn load_policy(args: &DecideArgs) -> Result<Policy, Status> {
    let loaded = match &args.policy {
        Some(path) => Policy::from_path(path),
        None => Policy::builtin(),
    };
    let policy = loaded.map_err(|error| match error {
        indicia::policy::PolicyError::Engine(error) => {
            crate::pack::report_engine_error(&error, crate::cli::DiagnosticFormat::Human)
        }
        indicia::policy::PolicyError::NoPolicy(_) => {
            crate::errln!("error: {error}");
            Status::Usage
        }
    })?;
    let params = indicia::params::check_overrides(policy.engine().pack(), &args.params).map_err(|errors| {
        for error in errors {
            crate::errln!("error: {error}");
        }
        Status::Usage
    })?;
    policy
        .with_params(params)
        .map_err(|error| crate::pack::report_engine_error(&error, crate::cli::DiagnosticFormat::Human))
}

/// Writes the output; a closed pipe ends quietly, any other failure is exit 2 (see `crate::stdio`).
fn write_out(bytes: &[u8]) -> Status {
    crate::stdio::out_bytes(bytes);
    crate::stdio::settle(Status::Success)
}

/// A decision with where it came from (`FILE` or `FILE:LINE`), in input order.
#[derive(Debug)]
pub struct Decided {
    /// Where the report came from.
    pub source: String,
    /// The decision.
    pub decision: Decision,
}
