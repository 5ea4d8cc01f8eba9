"""The Python batch calls against `indicia eval` on the same batch, measured side by side.

    python bindings/python/bench/throughput.py [--apps 20000] [--rounds 5] [--cli target/release/indicia]

Generates a batch with `indicia gen evidence`, then alternates, round by round: the CLI scoring the
file to /dev/null; `evaluate_jsonl` on the file's bytes; `evaluate_many` on its lines; and
`jsonl+write`, the CLI's whole job in Python (read the file, `evaluate_jsonl`, `to_json()` of every
report, write the lines to /dev/null). Prints the median apps/s of each (wall
clock) and apps per CPU-second (all threads, children included), and their ratios to the CLI: on
a loaded machine the wall clock measures the scheduler's share as much as the code. Not a test: the figures depend on the machine and its load (say it when you quote
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
        names = ("cli", "evaluate_jsonl", "evaluate_many", "jsonl+write")
        wall: dict[str, list[float]] = {name: [] for name in names}
        cpu: dict[str, list[float]] = {name: [] for name in names}

        def record(name: str, started: float, before: os.times_result) -> None:
            after = os.times()
            used = sum(after[i] - before[i] for i in range(4))  # user, system, children's user, system
            wall[name].append(args.apps / (time.perf_counter() - started))
            cpu[name].append(args.apps / used)

        print(f"{args.apps} apps of {args.facts} facts, {args.rounds} rounds, {os.cpu_count()} CPUs, "
              f"load average at start {os.getloadavg()[0]:.2f}")
        for _ in range(args.rounds):
            with open(os.devnull, "wb") as null:
                started, before = time.perf_counter(), os.times()
                subprocess.run([args.cli, "eval", str(batch)], stdout=null, check=True)
                record("cli", started, before)

                data = batch.read_bytes()
                started, before = time.perf_counter(), os.times()
                results = engine.evaluate_jsonl(data)
                record("evaluate_jsonl", started, before)
                del results

                started, before = time.perf_counter(), os.times()
                results = engine.evaluate_jsonl(batch.read_bytes())
                null.write("".join(r.to_json() + "\n" for r in results).encode())
                record("jsonl+write", started, before)
                del results, data

                started, before = time.perf_counter(), os.times()
                results = engine.evaluate_many(lines)
                record("evaluate_many", started, before)
                del results
        cli_wall, cli_cpu = statistics.median(wall["cli"]), statistics.median(cpu["cli"])
        for name in names:
            w, c = statistics.median(wall[name]), statistics.median(cpu[name])
            print(f"{name:15} {w:8,.0f} apps/s wall ({w / cli_wall:.2f}x the CLI), "
                  f"{c:8,.0f} apps per CPU-second ({c / cli_cpu:.2f}x the CLI)")
        print(f"load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
