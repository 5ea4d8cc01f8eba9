//! The command line, declared with clap: one subcommand per verb of cli.md.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// indicia: privacy indicators as rules-as-data. Check, format and test rule packs; score app
/// evidence against them.
#[derive(Debug, Parser)]
#[command(name = "indicia", version = version_text(), about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// When to colour reports and diagnostics: on a terminal unless NO_COLOR is set (auto), always or never.
    #[arg(long, global = true, value_enum, default_value = "auto", value_name = "WHEN")]
    pub color: crate::color::ColorChoice,
    /// Size limits on inputs.
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// The size limits of `indicia::limits`, as flags every subcommand takes (docs/limits.md). A size is
/// a number of bytes with an optional unit: `64M`, `64MiB`, `1G` (powers of 1024), `64MB` (of 1000).
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Limits (docs/limits.md)")]
pub struct LimitArgs {
    /// Largest rule file read (default 64 MiB)
    #[arg(long, global = true, value_name = "SIZE", value_parser = indicia::limits::parse_size)]
    pub max_rule_file_size: Option<u64>,
    /// Largest evidence object read whole: a file, standard input, a test's fixture (default 64 MiB)
    #[arg(long, global = true, value_name = "SIZE", value_parser = indicia::limits::parse_size)]
    pub max_evidence_size: Option<u64>,
    /// Longest line of a batch; a longer one is rejected in its place (default 64 MiB)
    #[arg(long, global = true, value_name = "SIZE", value_parser = indicia::limits::parse_size)]
    pub max_line_size: Option<u64>,
}

impl LimitArgs {
    /// Sets the limits given, for the rest of the process.
    pub fn apply(&self) {
        use indicia::limits::{BATCH_LINE, EVIDENCE, RULE_FILE};
        for (given, limit) in [
            (self.max_rule_file_size, &RULE_FILE),
            (self.max_evidence_size, &EVIDENCE),
            (self.max_line_size, &BATCH_LINE),
        ] {
            if let Some(bytes) = given {
                limit.set(bytes);
            }
        }
    }
}

/// `indicia --version`: the version and the date of the built-in IP-to-country data.
fn version_text() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        format!(
            "{} (built-in IP-to-country data of {}: {})",
            env!("CARGO_PKG_VERSION"),
            indicia_extract::IpCountryDb::builtin_date(),
            indicia_extract::IP_COUNTRY_SOURCE
        )
    })
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse and type-check packs (default: the built-in pack).
    Check(CheckArgs),
    /// Score evidence against a pack (default: the built-in pack).
    Eval(EvalArgs),
    /// Run the `test` blocks of packs (default: the built-in pack).
    Test(TestArgs),
    /// Format `.ind` files (or directories of them) in place.
    Fmt(FmtArgs),
    /// Show the evaluation graph a pack compiles into.
    Graph(GraphArgs),
    /// Extract evidence from app files and captures (APK, manifest, Info.plist, privacy manifest, HAR).
    Extract(crate::commands::extract::ExtractArgs),
    /// Extract evidence from apps (APK, IPA, split APK sets, directories of them) and score it in one step.
    Scan(ScanCommandArgs),
    /// Generate a synthetic pack or evidence batch, for benchmarks and load tests.
    Gen(GenArgs),
    /// Decide allow, review or deny per app with a policy, and export what an MDM imports.
    Decide(crate::commands::decide::DecideArgs),
    /// Run the language server over standard input and output (for editors).
    Lsp,
}

/// How diagnostics are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiagnosticFormat {
    /// rustc's layout, on standard error.
    Human,
    /// A JSON array on standard output, for editors and CI.
    Json,
    /// One line per diagnostic on standard error, for screen readers and grep.
    Plain,
}

/// How reports are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// One pretty JSON report for one object; JSON Lines for a batch or several files.
    Json,
    /// A summary a person reads.
    Text,
    /// SARIF 2.1.0 for code-scanning tools: a result per failed or inconclusive indicator (one app per run).
    Sarif,
    /// One self-contained HTML page (one app per run).
    Html,
    /// Markdown for issue trackers.
    Markdown,
}

impl ReportFormat {
    /// True for the formats whose output is one document about one app (SARIF, HTML).
    pub fn one_app_only(self) -> bool {
        matches!(self, ReportFormat::Sarif | ReportFormat::Html)
    }
}

/// `indicia check [PACK]...`
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Pack directories or `.ind` files, or `-` for one file on standard input; none means the
    /// built-in pack.
    pub packs: Vec<PathBuf>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value = "human")]
    pub format: DiagnosticFormat,
    /// Fail (exit 1) when there is a warning.
    #[arg(long)]
    pub deny_warnings: bool,
}

/// `indicia eval [--rules PACK] [--param NAME=VALUE]... [--format json|text|sarif|html|markdown] EVIDENCE...`
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// The pack to score against (default: the built-in pack).
    #[arg(long, value_name = "PACK")]
    pub rules: Option<PathBuf>,
    /// Override a pack param: `NAME=VALUE` (repeatable; the last wins).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// How to print reports.
    #[arg(long, value_enum, default_value = "json")]
    pub format: ReportFormat,
    /// After scoring, print on standard error where evaluation spent its time: each indicator's
    /// share and the hottest nodes, sorted by cost (scores on one thread).
    #[arg(long)]
    pub profile: bool,
    /// The detailed JSON report: every verdict that is not a failure explained (member `explanation`),
    /// each witness with its fact (`fact`) and the evidence behind the verdicts (`found`); the other
    /// formats always explain.
    #[arg(long)]
    pub explain: bool,
    /// Evidence files (`.jsonl` for a batch), or `-` for standard input.
    #[arg(required = true, value_name = "EVIDENCE")]
    pub evidence: Vec<String>,
}

/// `indicia test [PACK]... [-v] [--run PATTERN] [--format text|json] [--coverage]`
#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// Pack directories or `.ind` files; none means the built-in pack.
    pub packs: Vec<PathBuf>,
    /// List every test with its result and time.
    #[arg(short, long)]
    pub verbose: bool,
    /// Run only the tests whose name matches this regular expression.
    #[arg(long, value_name = "PATTERN")]
    pub run: Option<String>,
    /// `text`, or `json`: one JSON record per test (with `--coverage`: the coverage report).
    #[arg(long, value_enum, default_value = "text")]
    pub format: TestFormat,
    /// Print which sub-conditions the fixtures made true, false and unknown, and which they
    /// never reached, per file and line (instead of the per-test lines, which go to standard
    /// error).
    #[arg(long)]
    pub coverage: bool,
}

/// How `indicia test` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    /// Lines a person reads.
    Text,
    /// JSON.
    Json,
}

/// `indicia fmt [--check [--diff]] PATH...`
#[derive(Debug, clap::Args)]
pub struct FmtArgs {
    /// Change nothing; name each file that is not in canonical form and exit 1 if there is one.
    #[arg(long)]
    pub check: bool,
    /// With `--check`: print what would change, as a unified diff, instead of the file names.
    #[arg(long, requires = "check")]
    pub diff: bool,
    /// `.ind` files or directories of them, or `-` to format standard input to standard output.
    #[arg(required = true)]
    pub paths: Vec<String>,
}

/// `indicia graph [PACK] [--dot]`
#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    /// The pack (default: the built-in pack).
    pub pack: Option<PathBuf>,
    /// Print the graph in Graphviz DOT.
    #[arg(long)]
    pub dot: bool,
}

/// `indicia scan APP... [--har F]... [--appops F]... [--rules PACK] [--param NAME=VALUE]... [--format json|text|sarif|html|markdown] [--time-limit S]`
#[derive(Debug, clap::Args)]
pub struct ScanCommandArgs {
    /// What to extract.
    #[command(flatten)]
    pub scan: crate::commands::extract::ScanArgs,
    /// The pack to score against (default: the built-in pack).
    #[arg(long, value_name = "PACK")]
    pub rules: Option<PathBuf>,
    /// Override a pack param: `NAME=VALUE` (repeatable; the last wins).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// How to print the report.
    #[arg(long, value_enum, default_value = "json")]
    pub format: ReportFormat,
    /// Each app's time limit in seconds (decimals allowed; 0: none); an app past it is an error line.
    #[arg(long, value_name = "SECONDS", default_value = "120")]
    pub time_limit: f64,
}

/// `indicia gen pack --indicators N [--seed S]` or `indicia gen evidence [--facts M] [--apps K] [--seed S]`
#[derive(Debug, clap::Args)]
pub struct GenArgs {
    /// What to generate.
    #[command(subcommand)]
    pub what: GenWhat,
}

/// What `indicia gen` writes to standard output.
#[derive(Debug, Subcommand)]
pub enum GenWhat {
    /// A pack of N indicators over the standard mobile schema, as one `.ind` file.
    Pack {
        /// How many indicators.
        #[arg(long, default_value_t = 1000)]
        indicators: usize,
        /// The pseudo-random seed (the same seed gives the same pack).
        #[arg(long)]
        seed: Option<u64>,
    },
    /// A JSON Lines batch of K apps' evidence, streamed (any K, bounded memory).
    Evidence {
        /// Facts per app (about 75 bytes each).
        #[arg(long, default_value_t = 200)]
        facts: usize,
        /// How many apps (lines).
        #[arg(long, default_value_t = 1)]
        apps: u64,
        /// The pseudo-random seed (the same seed gives the same batch).
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;
    use indicia::limits::{BATCH_LINE, EVIDENCE, Limit, RULE_FILE, format_size};

    use super::Cli;

    #[test]
    fn the_limit_flags_are_the_ones_the_errors_name_and_say_their_defaults() {
        let command = Cli::command();
        let limits: [(&str, &Limit); 3] =
            [("max_rule_file_size", &RULE_FILE), ("max_evidence_size", &EVIDENCE), ("max_line_size", &BATCH_LINE)];
        for (id, limit) in limits {
            let arg = command.get_arguments().find(|a| a.get_id() == id).unwrap();
            assert_eq!(arg.get_long().map(|l| format!("--{l}")).as_deref(), Some(limit.flag()));
            let help = arg.get_help().unwrap().to_string();
            assert!(help.contains(&format!("(default {})", format_size(limit.default_bytes()))), "{help}");
        }
    }
}
