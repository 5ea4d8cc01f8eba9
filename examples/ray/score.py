"""Score an app corpus on Ray Data with indicia: one engine per actor, Arrow batches in and out.

    python examples/ray/score.py --jsonl evidence.jsonl --output scores/
    python examples/ray/score.py --apks DIR --output scores/

The engine is built on the driver and handed to each actor's constructor (it pickles as its pack's
source text); each actor scores whole Arrow batches with `Engine.evaluate_arrow` (or extracts and
scores app files with `scan_arrow`), and the result is written as Parquet. Size the actor pool so
that read tasks keep CPUs: see README.md here ("Sizing the actors").
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import List, Optional

import pyarrow as pa

import indicia


class Scorer:
    """The `map_batches` class: one engine per actor, reused for every batch it scores."""

    def __init__(self, engine: indicia.Engine, column: str, scan: bool) -> None:
        self.engine = engine
        self.column = column
        self.scan = scan

    def __call__(self, batch: pa.Table) -> pa.Table:
        column = batch.column(self.column)
        scored = self.engine.scan_arrow(column) if self.scan else self.engine.evaluate_arrow(column)
        return pa.Table.from_batches([scored])


def actor_plan(cpus: int) -> tuple[int, float]:
    """Actors and CPUs per actor for a node of `cpus` CPUs: one CPU stays free for read tasks
    (with every CPU held by actors, the read tasks wait forever)."""
    if cpus <= 1:
        return 1, 0.5
    return cpus - 1, 1.0


def run(args: argparse.Namespace) -> None:
    """Reads the input, scores it with an actor pool and writes Parquet to `args.output`."""
    import ray

    engine = indicia.engine_from_options(args.rules, args.param)
    cpus = int(ray.cluster_resources().get("CPU", 1))
    actors, cpus_per_actor = actor_plan(cpus)
    if args.actors:
        actors = args.actors
    if args.apks:
        paths = sorted(str(p) for p in Path(args.apks).rglob(args.glob))
        dataset = ray.data.from_items([{"path": p} for p in paths], override_num_blocks=max(1, actors))
        column, scan = "path", True
    else:
        dataset = ray.data.read_text(args.jsonl)
        column, scan = "text", False
    scored = dataset.map_batches(
        Scorer,
        fn_constructor_kwargs={"engine": engine, "column": column, "scan": scan},
        batch_format="pyarrow",
        batch_size=args.batch_size,
        concurrency=actors,
        num_cpus=cpus_per_actor,
    )
    scored.write_parquet(args.output)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--apks", help="a directory of app files (on a path every node sees)")
    source.add_argument("--jsonl", help="JSON Lines of evidence (a file or a directory)")
    parser.add_argument("--glob", default="*.apk", help="which files of --apks to read (default *.apk)")
    parser.add_argument("--output", required=True, help="the directory of the Parquet scores")
    indicia.add_engine_options(parser)  # --rules PACK (read on the driver) and --param NAME=JSON
    parser.add_argument("--actors", type=int, default=0, help="actors (default: CPUs - 1)")
    parser.add_argument("--batch-size", type=int, default=1024, help="rows per batch")
    return parser.parse_args(argv)


def main() -> None:
    import ray

    args = parse_args()
    ray.init(num_cpus=int(os.environ["RAY_NUM_CPUS"]) if "RAY_NUM_CPUS" in os.environ else None)
    try:
        run(args)
    finally:
        ray.shutdown()


if __name__ == "__main__":
    main()
