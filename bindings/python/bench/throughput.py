"""The Python batch calls against `indicia eval` on the same batch, measured side by side.

    python bindings/python/bench/throughput.py [--apps 20000] [--rounds 5] [--cli target/release/indicia]

Generates a batch with `indicia gen evidence`, then alternates, round by round: the CLI scoring the
file to /dev/null; `evaluate_jsonl` on the file's bytes (read, score, write every line to
/dev/null, as the CLI does); `evaluate_many` on the lines. Prints the median apps/s of each and the
ratio to the CLI. Not a test: the figures depend on the machine and its load (say it when you quote
them).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import indicia

REPO = Path(__file__).resolve().parents[3]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", type=int, default=20000)
    parser.add_argument("--facts", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cli", default=str(REPO / "target" / "release" / "indicia"))
    args = parser.parse_args()

    engine = indicia.Engine.builtin()
    with tempfile.TemporaryDirectory() as tmp:
        batch = Path(tmp) / "batch.jsonl"
        with open(batch, "wb") as out:
            gen = [args.cli, "gen", "evidence", "--apps", str(args.apps), "--facts", str(args.facts)]
            subprocess.run(gen, stdout=out, check=True)
        lines = batch.read_bytes().splitlines()
        figures: dict[str, list[float]] = {"cli": [], "evaluate_jsonl": [], "evaluate_many": []}
        for _ in range(args.rounds):
            with open(os.devnull, "wb") as null:
                started = time.perf_counter()
                subprocess.run([args.cli, "eval", str(batch)], stdout=null, check=True)
                figures["cli"].append(args.apps / (time.perf_counter() - started))

                started = time.perf_counter()
                results = engine.evaluate_jsonl(batch.read_bytes())
                null.write("".join(r.to_json() + "\n" for r in results).encode())
                figures["evaluate_jsonl"].append(args.apps / (time.perf_counter() - started))
                del results

                started = time.perf_counter()
                results = engine.evaluate_many(lines)
                figures["evaluate_many"].append(args.apps / (time.perf_counter() - started))
                del results
        cli = statistics.median(figures["cli"])
        print(f"{args.apps} apps of {args.facts} facts, {args.rounds} rounds, {os.cpu_count()} CPUs, "
              f"load average {os.getloadavg()[0]:.2f}")
        for name, values in figures.items():
            median = statistics.median(values)
            print(f"{name:15} {median:10,.0f} apps/s (min {min(values):,.0f}, max {max(values):,.0f})  {median / cli:.2f}x the CLI")


if __name__ == "__main__":
    main()
