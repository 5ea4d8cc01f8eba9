"""The figures of docs/scale.md: score.py on local[2] against the `indicia` command on the same data.

    python examples/spark/measure.py --cli target/release/indicia [--apps 20000] [--apk-copies 40]

Part 1, evidence: a batch of generated apps (`indicia gen evidence`), scored by `indicia eval` and
by score.py's `mapInArrow` job (JSON Lines in, Parquet out); the time inside `evaluate_arrow` is
summed on the workers (a Spark accumulator), the rest of the job is Spark's own (JVM, reading,
Arrow transfer, Python workers, Parquet).

Part 2, APKs: the real APKs of tests/data, each linked `--apk-copies` times, extracted and scored by
score.py (`scan_arrow`), against `indicia extract` + `indicia eval` one app after the other; the
time inside `scan_arrow` is summed on the workers, and extraction and scoring are timed apart in
this process (`indicia.extract`, then `Engine.evaluate`).

Prints apps/s, apps/s per core and the shares. Every figure depends on the machine's load, which
is printed with them.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa

import indicia

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import score  # noqa: E402  (the job itself)


def timed_scorer(engine, column, accumulator, scan):
    """score.py's mapInArrow function, adding the CPU seconds spent in the engine to `accumulator`:
    the worker process's CPU time across the call (its thread waits while the engine's pool thread
    works)."""

    def run(batches):
        for batch in batches:
            if scan:
                paths = [score.local_path(u) or u for u in batch.column("path").to_pylist()]
                started = time.process_time()
                out = engine.scan_arrow(pa.array(paths, pa.string()))
            else:
                started = time.process_time()
                out = engine.evaluate_arrow(batch.column(column))
            accumulator.add(time.process_time() - started)
            yield out

    return run


def tree_cpu(root: int) -> float:
    """CPU seconds (user + system) of process `root` and all its descendants, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    parents, cpu = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        parents[int(entry)] = int(fields[1])
        cpu[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        total += cpu.get(pid, 0.0)
        stack.extend(child for child, parent in parents.items() if parent == pid)
    return total


def spark_run(spark, frame, fn, schema, output):
    """Runs the job; returns its wall seconds and the CPU seconds of the JVM and its Python workers."""
    jvm = spark.sparkContext._jvm.java.lang.ProcessHandle.current().pid()
    cpu = tree_cpu(jvm)
    started = time.perf_counter()
    frame.mapInArrow(fn, schema).write.mode("overwrite").parquet(output)
    return time.perf_counter() - started, tree_cpu(jvm) - cpu


def timed_runs(spark, frame, engine, column, scan, output, describe) -> None:
    """Scores `frame` twice (the first run warms the workers up) and prints `describe(wall, cpu,
    scoring)` for each: wall seconds, CPU seconds of Spark's processes, CPU seconds inside indicia."""
    for _attempt in range(2):
        acc = spark.sparkContext.accumulator(0.0)
        fn = timed_scorer(engine, column, acc, scan=scan)
        wall, cpu = spark_run(spark, frame, fn, score.spark_schema(engine, scan=scan), output)
        print(describe(wall, cpu, acc.value))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", default=str(REPO / "target" / "release" / "indicia"))
    parser.add_argument("--apps", type=int, default=20000)
    parser.add_argument("--apk-copies", type=int, default=40)
    args = parser.parse_args()

    from pyspark import cloudpickle
    from pyspark.sql import SparkSession

    cloudpickle.register_pickle_by_value(score)  # the workers cannot import it by name

    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # One engine thread per Spark task: Spark already runs one task per core.
    os.environ["RAYON_NUM_THREADS"] = "1"
    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.executorEnv.RAYON_NUM_THREADS", "1")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    engine = indicia.Engine.builtin()
    print(f"load average at start: {os.getloadavg()}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # Part 1: evidence.
        batch = tmp / "gen.jsonl"
        with open(batch, "wb") as out:
            subprocess.run([args.cli, "gen", "evidence", "--apps", str(args.apps)], stdout=out, check=True)
        env = {k: v for k, v in os.environ.items() if k != "RAYON_NUM_THREADS"}
        started = time.perf_counter()
        before = os.times()
        subprocess.run([args.cli, "eval", str(batch)], stdout=subprocess.DEVNULL, check=True, env=env)
        cli = time.perf_counter() - started
        after = os.times()
        cli_cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
        frame = spark.read.text(str(batch)).repartition(2)
        frame.cache().count()  # read once, so that the timed run does not include the first read
        timed_runs(
            spark,
            frame,
            engine,
            "value",
            False,
            str(tmp / "out1"),
            lambda wall, cpu, scoring: (
                f"evidence, {args.apps} apps: CLI {args.apps / cli:,.0f} apps/s wall, {args.apps / cli_cpu:,.0f} apps/CPU-s; "
                f"Spark local[2] {args.apps / wall:,.0f} apps/s wall ({args.apps / wall / 2:,.0f}/core), "
                f"{args.apps / cpu:,.0f} apps/CPU-s; CPU {cpu:.2f} s of which evaluate_arrow {scoring:.2f} s "
                f"({scoring / cpu:.0%}), Spark's own {1 - scoring / cpu:.0%}"
            ),
        )

        # Part 2: APKs.
        apks = sorted((REPO / "tests" / "data" / "extract" / "apk").glob("*.apk"))
        corpus = tmp / "apks"
        corpus.mkdir()
        for k in range(args.apk_copies):
            for apk in apks:
                (corpus / f"{k}-{apk.name}").symlink_to(apk)
        n = len(apks) * args.apk_copies
        size = sum(a.stat().st_size for a in apks) / len(apks)
        started = time.perf_counter()
        for apk in apks:
            ev = subprocess.run([args.cli, "extract", "--compact", "--apk", str(apk)], capture_output=True, check=True)
            subprocess.run([args.cli, "eval", "-"], input=ev.stdout, stdout=subprocess.DEVNULL, check=True)
        cli_apk = (time.perf_counter() - started) / len(apks)
        extract_s = score_s = 0.0
        for apk in apks:
            started = time.thread_time()
            evidence = indicia.extract(apk=apk, compact=True)
            extract_s += time.thread_time() - started
            started = time.thread_time()
            engine.evaluate(evidence)
            score_s += time.thread_time() - started
        extract_s /= len(apks)
        score_s /= len(apks)
        paths = spark.read.format("binaryFile").option("pathGlobFilter", "*.apk").load(str(corpus)).select("path")
        paths = paths.repartition(2).cache()
        paths.count()
        spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "16")
        timed_runs(
            spark,
            paths,
            engine,
            "path",
            True,
            str(tmp / "out2"),
            lambda wall, cpu, scoring: (
                f"APKs, {n} apps (mean {size / 1e6:.2f} MB): CLI extract+eval, one process per app: "
                f"{1 / cli_apk:,.1f} apps/s wall; indicia.extract {extract_s * 1e3:.2f} CPU-ms/app, "
                f"Engine.evaluate {score_s * 1e3:.3f} CPU-ms/app (extraction {extract_s / (extract_s + score_s):.1%}); "
                f"Spark local[2] {n / wall:,.1f} apps/s wall ({n / wall / 2:,.1f}/core), {n / cpu:,.1f} apps/CPU-s; "
                f"CPU {cpu:.2f} s of which scan_arrow {scoring:.2f} s ({scoring / cpu:.0%}), "
                f"Spark's own {1 - scoring / cpu:.0%}"
            ),
        )
    print(f"load average at end: {os.getloadavg()}")
    spark.stop()


if __name__ == "__main__":
    main()
