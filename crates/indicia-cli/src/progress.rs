//! The progress bar of a long `eval` batch: on standard error, and only when standard error is a
//! terminal (never in a pipe, a file or a test), so that it never mixes with what scripts read.
//!
//! With a known size (a `.jsonl` file) it shows bytes read, a bar, the rate and the time left;
//! on standard input, bytes read and the rate. The message counts the apps scored. `scan` over many
//! apps counts apps alone ([`Progress::apps`]), since it finds them as it goes.

use std::io::IsTerminal as _;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress display that is a no-op unless standard error is a terminal.
pub struct Progress {
    bar: Option<ProgressBar>,
    apps: u64,
}

impl Progress {
    /// A display for an input of `total_bytes` (unknown for standard input).
    pub fn new(total_bytes: Option<u64>) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress { bar: None, apps: 0 };
        }
        let template = match total_bytes {
            Some(_) => "{spinner} {bytes}/{total_bytes} [{bar:30}] {msg} ({bytes_per_sec}, {eta} left)",
            None => "{spinner} {bytes} read, {msg} ({bytes_per_sec}, {elapsed})",
        };
        let bar = ProgressBar::with_draw_target(total_bytes, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message("0 apps");
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress { bar: Some(bar), apps: 0 }
    }

    /// A display of apps scanned, their rate and the time elapsed (no total: the apps are found as the
    /// scan goes).
    pub fn apps() -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress { bar: None, apps: 0 };
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {pos} apps scanned ({per_sec}, {elapsed})") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress { bar: Some(bar), apps: 0 }
    }

    /// Records `bytes` more input read and `apps` more apps scored.
    pub fn advance(&mut self, bytes: u64, apps: u64) {
        self.apps += apps;
        if let Some(bar) = &self.bar {
            bar.inc(bytes);
            bar.set_message(format!("{} apps", self.apps));
        }
    }

    /// Prints `line` on standard error, above the bar.
    pub fn eprintln(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| crate::errln!("{line}")),
            None => crate::errln!("{line}"),
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
