//! Colour: whether what a command writes to standard output or standard error is coloured.
//!
//! `--color auto` (the default) colours a stream that is a terminal, unless the `NO_COLOR`
//! environment variable is set to anything but the empty string (no-color.org); `--color always`
//! colours even in a pipe or a file and whatever `NO_COLOR` says (an explicit flag wins, as
//! no-color.org asks); `--color never` never colours.
//!
//! The choice is made once, from the command line, in [`crate::run`], and read where text is drawn.
//! It is process state on purpose: like the terminal it depends on, it is the same for every part
//! of one run, and diagnostics are drawn from many places that have no other state in common.
//! Colour is only ever added to text that reads the same without it.

use std::io::IsTerminal as _;
use std::sync::OnceLock;

use anstyle::{AnsiColor, Style};

/// When to colour (`--color`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set.
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

static CHOICE: OnceLock<ColorChoice> = OnceLock::new();

/// Records the choice of this run (the first call wins; without one, `auto`).
pub fn set(choice: ColorChoice) {
    let _ = CHOICE.set(choice);
}

/// Whether to colour standard output.
pub fn stdout() -> bool {
    decide(choice(), std::io::stdout().is_terminal(), std::env::var_os("NO_COLOR"))
}

/// Whether to colour standard error.
pub fn stderr() -> bool {
    decide(choice(), std::io::stderr().is_terminal(), std::env::var_os("NO_COLOR"))
}

fn choice() -> ColorChoice {
    CHOICE.get().copied().unwrap_or_default()
}

/// The rule of the module, apart from the process: `choice`, whether the stream is a terminal and
/// the value of `NO_COLOR`.
pub fn decide(choice: ColorChoice, terminal: bool, no_color: Option<std::ffi::OsString>) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && no_color.is_none_or(|v| v.is_empty()),
    }
}

/// `text` in `style` when `on`, else as it is.
pub fn paint(on: bool, style: Style, text: &str) -> String {
    if on { format!("{style}{text}{style:#}") } else { text.to_owned() }
}

/// The style of added lines (green).
pub const ADDED: Style = AnsiColor::Green.on_default();
/// The style of removed lines (red).
pub const REMOVED: Style = AnsiColor::Red.on_default();
/// The style of a diff's hunk headers (cyan).
pub const HUNK: Style = AnsiColor::Cyan.on_default();
/// The style of a failed verdict in a report (red).
pub const FAIL: Style = AnsiColor::Red.on_default();
/// The style of an inconclusive verdict in a report (yellow).
pub const INCONCLUSIVE: Style = AnsiColor::Yellow.on_default();
/// The style of a passed verdict in a report (green).
pub const PASS: Style = AnsiColor::Green.on_default();
/// The style of a report's headings (bold).
pub const HEADING: Style = Style::new().bold();

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_turns_auto_off_and_a_flag_wins() {
        let set = |v: &str| Some(std::ffi::OsString::from(v));
        assert!(decide(ColorChoice::Auto, true, None));
        assert!(!decide(ColorChoice::Auto, false, None), "not a terminal");
        assert!(!decide(ColorChoice::Auto, true, set("1")));
        assert!(decide(ColorChoice::Auto, true, set("")), "an empty NO_COLOR is not set");
        assert!(decide(ColorChoice::Always, false, set("1")));
        assert!(!decide(ColorChoice::Never, true, None));
    }

    #[test]
    fn paint_wraps_in_escapes_only_when_on() {
        assert_eq!(paint(false, REMOVED, "error"), "error");
        let painted = paint(true, REMOVED, "error");
        assert!(
            painted.starts_with("\u{1b}[") && painted.contains("error") && painted.ends_with("\u{1b}[0m"),
            "{painted:?}"
        );
    }
}
