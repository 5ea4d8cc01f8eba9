//! `indicia extract` and the evidence half of `indicia scan`: evidence from app files and captures.

use std::path::{Path, PathBuf};

use indicia_extract::{Countries, Options, Source, extract_all};

use crate::exit::Status;

/// Options shared by `extract` and `scan`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ExtractOptionsArgs {
    /// Tracker signatures (Exodus Privacy JSON, an ETIP export or LibChecker rules) instead of the built-in set
    #[arg(long, value_name = "FILE")]
    pub trackers: Option<PathBuf>,
    /// Countries of destinations: a CSV of `CIDR-or-host-suffix,CC` lines or a MaxMind `.mmdb` file
    /// instead of the built-in IP-to-country database; `none` for no countries
    #[arg(long, value_name = "FILE|none")]
    pub countries: Option<PathBuf>,
    /// A string planted in the device's clipboard during the capture; requests carrying it send `clipboard`
    #[arg(long, value_name = "TEXT")]
    pub clipboard_canary: Option<String>,
    /// The app's id, where no source names it (a manifest without `package`, a capture alone)
    #[arg(long, value_name = "ID")]
    pub app_id: Option<String>,
    /// The app's name or Android UID in a PCAPdroid capture, where it differs from its id (repeatable)
    #[arg(long, value_name = "NAME|UID")]
    pub pcap_app: Vec<String>,
}

/// Run-time evidence files, shared by `extract` and `scan` (docs/extract.md). The App Privacy Report,
/// AppOps and package dumps keep the records of the app that the other sources or `--app-id` name.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct RuntimeArgs {
    /// An iOS App Privacy Report (NDJSON: Settings → Privacy & Security → App Privacy Report → Save App Activity)
    #[arg(long, value_name = "FILE")]
    pub privacy_report: Vec<PathBuf>,
    /// Android AppOps: `adb shell dumpsys appops`, `adb shell appops get PKG`, or /data/system/appops.xml
    #[arg(long, value_name = "FILE")]
    pub appops: Vec<PathBuf>,
    /// `adb shell dumpsys package PKG`: requested, install and runtime permissions with their grants
    #[arg(long, value_name = "FILE")]
    pub package_dump: Vec<PathBuf>,
    /// A log of tools/frida/indicia-hooks.js (`frida -U -f PKG -l tools/frida/indicia-hooks.js -o LOG`)
    #[arg(long, value_name = "FILE")]
    pub frida_log: Vec<PathBuf>,
}

impl RuntimeArgs {
    /// The sources these flags name.
    pub fn sources(&self) -> Vec<Source> {
        let mut out: Vec<Source> = self.privacy_report.iter().cloned().map(Source::PrivacyReport).collect();
        out.extend(self.appops.iter().cloned().map(Source::AppOps));
        out.extend(self.package_dump.iter().cloned().map(Source::PackageDump));
        out.extend(self.frida_log.iter().cloned().map(Source::FridaLog));
        out
    }
}

/// `indicia extract`: merge the given sources into one evidence object on standard output.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ExtractArgs {
    /// An APK (repeat for a base APK and its splits), or a split APK archive (.apks, .xapk)
    #[arg(long, value_name = "FILE")]
    pub apk: Vec<PathBuf>,
    /// An IPA (its Info.plist and privacy manifests)
    #[arg(long, value_name = "FILE")]
    pub ipa: Vec<PathBuf>,
    /// A text AndroidManifest.xml
    #[arg(long, value_name = "FILE")]
    pub manifest: Vec<PathBuf>,
    /// An iOS Info.plist (XML or binary)
    #[arg(long, value_name = "FILE")]
    pub plist: Vec<PathBuf>,
    /// An iOS privacy manifest (PrivacyInfo.xcprivacy)
    #[arg(long, value_name = "FILE")]
    pub privacy_manifest: Vec<PathBuf>,
    /// A network capture in HAR 1.2
    #[arg(long, value_name = "FILE")]
    pub har: Vec<PathBuf>,
    /// A packet capture, pcap or pcapng (tcpdump, Wireshark, PCAPdroid)
    #[arg(long, value_name = "FILE")]
    pub pcap: Vec<PathBuf>,
    /// A MobSF JSON report (static analysis)
    #[arg(long, value_name = "FILE")]
    pub mobsf: Vec<PathBuf>,
    /// Print the evidence on one line instead of pretty-printed
    #[arg(long)]
    pub compact: bool,
    /// Run-time sources.
    #[command(flatten)]
    pub runtime: RuntimeArgs,
    /// Options shared with `scan`.
    #[command(flatten)]
    pub options: ExtractOptionsArgs,
}

/// The evidence half of `indicia scan APP... [--har F]... [--appops F]...`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ScanArgs {
    /// The apps: APK or IPA files, split APK sets (a directory holding `base.apk`, or a `.apks` or
    /// `.xapk` archive), or directories searched recursively for them
    #[arg(value_name = "APP", required = true)]
    pub apps: Vec<PathBuf>,
    /// A network capture of the app in HAR 1.2 (repeatable; one app only)
    #[arg(long, value_name = "FILE")]
    pub har: Vec<PathBuf>,
    /// A packet capture of the app, pcap or pcapng (repeatable; one app only)
    #[arg(long, value_name = "FILE")]
    pub pcap: Vec<PathBuf>,
    /// A MobSF JSON report of the app (repeatable; one app only)
    #[arg(long, value_name = "FILE")]
    pub mobsf: Vec<PathBuf>,
    /// Run-time sources.
    #[command(flatten)]
    pub runtime: RuntimeArgs,
    /// Options shared with `extract`.
    #[command(flatten)]
    pub options: ExtractOptionsArgs,
}

/// The extraction options the flags give (tracker signatures and countries loaded).
pub fn options(args: &ExtractOptionsArgs) -> Result<Options, String> {
    let mut options = Options {
        clipboard_canary: args.clipboard_canary.clone(),
        capture_apps: args.pcap_app.clone(),
        ..Options::default()
    };
    if let Some(path) = &args.trackers {
        options.load_trackers(path).map_err(|e| e.to_string())?;
    }
    match &args.countries {
        Some(path) if path.as_os_str() == "none" => {}
        Some(path) => options.load_countries(path).map_err(|e| e.to_string())?,
        None => options.countries = Some(Countries::builtin().map_err(|e| e.to_string())?),
    }
    Ok(options)
}

fn sources(args: &ExtractArgs) -> Vec<Source> {
    let each = |paths: &[PathBuf], make: fn(PathBuf) -> Source| -> Vec<Source> {
        paths.iter().map(|p| make(p.clone())).collect()
    };
    let mut out = each(&args.apk, Source::apk);
    out.extend(each(&args.ipa, Source::Ipa));
    out.extend(each(&args.manifest, Source::Manifest));
    out.extend(each(&args.plist, Source::InfoPlist));
    out.extend(each(&args.privacy_manifest, Source::PrivacyManifest));
    out.extend(each(&args.har, Source::Har));
    out.extend(each(&args.pcap, Source::Pcap));
    out.extend(each(&args.mobsf, Source::Mobsf));
    out.extend(args.runtime.sources());
    out
}

/// Runs `indicia extract`: evidence on standard output; warnings and errors on standard error.
///
/// Exit status 0, or 2 when no source is given, an option file cannot be read, or a source cannot be
/// read (the other sources are still merged and printed, and the failed one's kinds are not collected).
pub fn run(args: &ExtractArgs) -> Status {
    let sources = sources(args);
    if sources.is_empty() {
        crate::errln!(
            "error: no source given (use --apk, --ipa, --manifest, --plist, --privacy-manifest, --har, --pcap, --mobsf, --privacy-report, --appops, --package-dump or --frida-log)"
        );
        return Status::Usage;
    }
    let options = match options(&args.options) {
        Ok(o) => o,
        Err(e) => {
            crate::errln!("error: {e}");
            return Status::Usage;
        }
    };
    let out = extract_all(&sources, &options, args.options.app_id.as_deref());
    for e in &out.errors {
        crate::errln!("error: {e}");
    }
    let Some(merged) = out.merged else {
        return Status::Usage;
    };
    for w in &merged.warnings {
        crate::errln!("warning: {w}");
    }
    let text = if args.compact {
        serde_json::to_string(&merged.evidence)
    } else {
        serde_json::to_string_pretty(&merged.evidence)
    };
    match text {
        Ok(text) => crate::outln!("{text}"),
        Err(e) => {
            crate::errln!("error: cannot write the evidence: {e}");
            return Status::Usage;
        }
    }
    if out.errors.is_empty() { Status::Success } else { Status::Usage }
}

/// The evidence of one app for `indicia scan`: its files `args.apps` (an APK or IPA, by extension or
/// content, or a base APK and its splits) and its captures, merged. Warnings go to standard error; any
/// source that cannot be read is an error (every message names its file), since a scan that silently
/// dropped a source would score too little.
pub fn scan_evidence(args: &ScanArgs) -> Result<serde_json::Value, String> {
    let options = options(&args.options)?;
    let mut app = Vec::new();
    for path in &args.apps {
        app.push(Source::app(Path::new(path)).map_err(|e| e.to_string())?);
    }
    let merged = app_evidence(app, args, &options)?;
    for w in &merged.warnings {
        crate::errln!("warning: {w}");
    }
    Ok(merged.evidence)
}

/// The evidence of one app: its files `app`, then the captures and run-time files `args` names, merged
/// with `options`. Any source that cannot be read is an error (the messages joined by line breaks).
pub fn app_evidence(
    mut app: Vec<Source>,
    args: &ScanArgs,
    options: &Options,
) -> Result<indicia_extract::Merged, String> {
    app.extend(args.har.iter().map(|p| Source::Har(p.clone())));
    app.extend(args.pcap.iter().map(|p| Source::Pcap(p.clone())));
    app.extend(args.mobsf.iter().map(|p| Source::Mobsf(p.clone())));
    app.extend(args.runtime.sources());
    let out = extract_all(&app, options, args.options.app_id.as_deref());
    if !out.errors.is_empty() {
        let messages: Vec<String> = out.errors.iter().map(ToString::to_string).collect();
        return Err(messages.join("\n"));
    }
    out.merged.ok_or_else(|| "no evidence was produced".to_owned())
}

impl ScanArgs {
    /// The flags that belong to one app (captures, run-time files, its id and capture names), by
    /// name, for the message that refuses them with several apps.
    pub fn per_app_flags(&self) -> Vec<&'static str> {
        let mut given = Vec::new();
        let r = &self.runtime;
        for (name, is_given) in [
            ("--har", !self.har.is_empty()),
            ("--pcap", !self.pcap.is_empty()),
            ("--mobsf", !self.mobsf.is_empty()),
            ("--privacy-report", !r.privacy_report.is_empty()),
            ("--appops", !r.appops.is_empty()),
            ("--package-dump", !r.package_dump.is_empty()),
            ("--frida-log", !r.frida_log.is_empty()),
            ("--app-id", self.options.app_id.is_some()),
            ("--pcap-app", !self.options.pcap_app.is_empty()),
            ("--clipboard-canary", self.options.clipboard_canary.is_some()),
        ] {
            if is_given {
                given.push(name);
            }
        }
        given
    }
}
