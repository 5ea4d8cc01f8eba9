"""Score an app corpus on Spark with indicia: extraction and scoring run on the workers.

    spark-submit examples/spark/score.py --apks DIR --output scores.parquet
    spark-submit examples/spark/score.py --jsonl evidence.jsonl --output scores.parquet
    spark-submit examples/spark/score.py --parquet evidence.parquet --column evidence --output scores.parquet

The engine is built once on the driver (the built-in pack, or `--rules PACK` with `--param
NAME=JSON` overrides), pickled into the job (it pickles as its pack's source text) and rebuilt on
each worker. Each partition goes through `mapInArrow`: Arrow batches of evidence JSON (or of APK
paths) in, `indicia.Engine.evaluate_arrow` / `scan_arrow` record batches out, written as Parquet
with the columns `docs/python.md` lists. See README.md here for running it on a cluster.
"""

from __future__ import annotations

import argparse
import os
import re
import tempfile
from typing import Iterator, List, Optional

import pyarrow as pa

import indicia


def spark_type(arrow: pa.DataType) -> str:
    """The Spark SQL type of an Arrow type of the scores (`large_string` is a Spark `string`)."""
    if pa.types.is_list(arrow):
        return f"array<{spark_type(arrow.value_type)}>"
    names = {pa.string(): "string", pa.large_string(): "string", pa.int32(): "int", pa.float64(): "double"}
    return names[arrow]


def spark_schema(engine: indicia.Engine, scan: bool) -> str:
    """The Spark DDL of the record batches `evaluate_arrow` (or `scan_arrow`) returns."""
    empty = pa.array([], pa.string())
    schema = (engine.scan_arrow if scan else engine.evaluate_arrow)(empty).schema
    return ", ".join(f"`{field.name}` {spark_type(field.type)}" for field in schema)


def score_evidence(engine: indicia.Engine, column: str):
    """The `mapInArrow` function for evidence JSON in `column`."""

    def score(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            yield engine.evaluate_arrow(batch.column(column))

    return score


def local_path(uri: str) -> Optional[str]:
    """The local file behind a `binaryFile` path (`file:/a/b.apk` → `/a/b.apk`), or None."""
    if uri.startswith("file://"):
        return uri[len("file://") :]
    if uri.startswith("file:"):
        return uri[len("file:") :]
    return uri if "://" not in uri else None


def app_extension(uri: str) -> str:
    """The extension of an app's file name (`.apk`, `.ipa`, lower case), or "" when it has none:
    the extractor tells an APK from an IPA by it (else by the archive's contents)."""
    extension = os.path.splitext(uri.rsplit("/", 1)[-1])[1].lower()
    return extension if re.fullmatch(r"\.[a-z0-9]{1,8}", extension) else ""


def scan_apks(engine: indicia.Engine, with_content: bool):
    """The `mapInArrow` function for `binaryFile` rows: extract and score each app. With
    `with_content`, the files' bytes come in the batch (any file system Spark reads: HDFS, S3...)
    and are written to a local temporary file, under the original extension, for the extractor;
    else `path` must be a local or shared-mount path on every worker."""

    def scan(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            uris: List[str] = batch.column("path").to_pylist()
            if not with_content:
                paths = [local_path(uri) or uri for uri in uris]
                out = engine.scan_arrow(pa.array(paths, pa.string()))
                yield out.set_column(0, "path", pa.array(uris, pa.large_string()))
                continue
            contents = batch.column("content")
            with tempfile.TemporaryDirectory(prefix="indicia-") as tmp:
                paths = []
                for i, uri in enumerate(uris):
                    path = os.path.join(tmp, f"{i}{app_extension(uri)}")
                    with open(path, "wb") as f:
                        f.write(contents[i].as_py())
                    paths.append(path)
                out = engine.scan_arrow(pa.array(paths, pa.string()))
            yield out.set_column(0, "path", pa.array(uris, pa.large_string()))

    return scan


def run(spark, args: argparse.Namespace) -> None:
    """Reads the input, scores it on the workers and writes Parquet to `args.output`."""
    engine = indicia.engine_from_options(args.rules, args.param)
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(args.batch_size))
    if args.apks:
        reader = spark.read.format("binaryFile").option("pathGlobFilter", args.glob).option("recursiveFileLookup", "true")
        frame = reader.load(args.apks)
        frame = frame.select("path", "content") if args.content else frame.select("path")
        scored = frame.mapInArrow(scan_apks(engine, args.content), spark_schema(engine, scan=True))
    else:
        if args.jsonl:
            frame = spark.read.text(args.jsonl).withColumnRenamed("value", "evidence")
            column = "evidence"
        else:
            frame = spark.read.parquet(args.parquet).select(args.column)
            column = args.column
        if args.partitions:
            frame = frame.repartition(args.partitions)
        scored = frame.mapInArrow(score_evidence(engine, column), spark_schema(engine, scan=False))
    scored.write.mode("overwrite").parquet(args.output)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--apks", help="a directory of app files (read recursively, see --glob)")
    source.add_argument("--jsonl", help="JSON Lines of evidence (a file or a directory of them)")
    source.add_argument("--parquet", help="Parquet with one evidence JSON string per row")
    parser.add_argument("--glob", default="*.apk", help="which files of --apks to read (default *.apk)")
    parser.add_argument("--content", action="store_true", help="ship the apps' bytes to the workers (any file system)")
    parser.add_argument("--column", default="evidence", help="the evidence column of --parquet")
    parser.add_argument("--output", required=True, help="where to write the Parquet scores")
    indicia.add_engine_options(parser)  # --rules PACK (read on the driver) and --param NAME=JSON
    parser.add_argument("--batch-size", type=int, default=2048, help="rows per Arrow batch (lower for APKs)")
    parser.add_argument("--partitions", type=int, default=0, help="repartition evidence input to N partitions")
    return parser.parse_args(argv)


def main() -> None:
    from pyspark.sql import SparkSession

    args = parse_args()
    spark = SparkSession.builder.appName("indicia-score").getOrCreate()
    try:
        run(spark, args)
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
