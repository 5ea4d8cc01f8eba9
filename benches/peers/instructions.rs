//! One peer engine of `benches/peers.rs` over the bench's ~200-fact app, `N` times, for counting
//! instructions with callgrind, which a loaded machine does not change as it changes times. The
//! engine is built and the app parsed once, as in the bench; then each of the `N` rounds either
//! evaluates the pre-parsed app (`eval`, the bench's column (c)) or parses and evaluates its JSON
//! bytes (`whole`, column (d)). The cost of one app is the difference between two runs with
//! different `N`, divided by the difference in `N` (construction and start-up cancel out):
//!
//! ```text
//! cargo build --release --features peers --example peers_instructions
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/peers_instructions ENGINE STAGE N
//! ```
//!
//! ENGINE: `indicia`, `regorus`, `regorus-rvm`, `regorus-2v`, `regorus-2v-rvm` or `cel`, as in the
//! bench; STAGE: `eval` or `whole`. Like the bench, it uses the system allocator.

#[path = "evidence.rs"]
mod evidence;
#[path = "harness.rs"]
mod harness;

use std::hint::black_box;
use std::path::PathBuf;
use std::process::ExitCode;

use harness::{CelPeer, RegoPeer, RvmPeer, THREE_VALUED, TWO_VALUED};

const ENGINES: [&str; 6] = ["indicia", "regorus", "regorus-rvm", "regorus-2v", "regorus-2v-rvm", "cel"];
const USAGE: &str = "usage: peers_instructions indicia|regorus|regorus-rvm|regorus-2v|regorus-2v-rvm|cel eval|whole N";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [engine, stage, rounds] = args.as_slice() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    if !ENGINES.contains(&engine.as_str()) {
        eprintln!("unknown engine {engine:?}\n{USAGE}");
        return ExitCode::from(2);
    }
    let whole = match stage.as_str() {
        "eval" => false,
        "whole" => true,
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let Ok(rounds) = rounds.parse::<usize>() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let (_, json) = evidence::bench_object();
    match run(engine, Rounds { count: rounds, whole }, json.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("peers_instructions: {message}");
            ExitCode::FAILURE
        }
    }
}

/// How many rounds, and whether each parses the JSON too.
#[derive(Clone, Copy)]
struct Rounds {
    count: usize,
    whole: bool,
}

fn run(engine: &str, rounds: Rounds, json: &[u8]) -> Result<(), String> {
    match engine {
        "indicia" => {
            let engine =
                indicia::Engine::from_path(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules/tw-mabis-v4"))
                    .map_err(|e| e.to_string())?;
            let mut scratch = indicia::eval::Scratch::new();
            repeat(
                rounds,
                json,
                |bytes| engine.read_evidence(bytes).map_err(|e| e.to_string()),
                |evidence| {
                    black_box(indicia::eval::evaluate(engine.program(), evidence, &mut scratch));
                    Ok(())
                },
            )
        }
        "regorus" | "regorus-2v" => {
            let mut peer = RegoPeer::with(if engine == "regorus" { &THREE_VALUED } else { &TWO_VALUED })?;
            repeat(rounds, json, RegoPeer::parse, |input| peer.eval(input).map(|answer| drop(black_box(answer))))
        }
        "regorus-rvm" | "regorus-2v-rvm" => {
            let mut peer = RvmPeer::with(if engine == "regorus-rvm" { &THREE_VALUED } else { &TWO_VALUED })?;
            repeat(rounds, json, RegoPeer::parse, |input| peer.eval(input).map(|answer| drop(black_box(answer))))
        }
        "cel" => {
            let peer = CelPeer::new()?;
            repeat(rounds, json, CelPeer::parse, |input| peer.eval(input).map(|answer| drop(black_box(answer))))
        }
        _ => Err(format!("unknown engine {engine:?}")),
    }
}

/// Parses `json` once, then runs `rounds` rounds of `eval` (each after its own parse if whole).
fn repeat<I>(
    rounds: Rounds,
    json: &[u8],
    parse: impl Fn(&[u8]) -> Result<I, String>,
    mut eval: impl FnMut(&I) -> Result<(), String>,
) -> Result<(), String> {
    let parsed = parse(json)?;
    for _ in 0..rounds.count {
        if rounds.whole {
            eval(&parse(black_box(json))?)?;
        } else {
            eval(black_box(&parsed))?;
        }
    }
    Ok(())
}
