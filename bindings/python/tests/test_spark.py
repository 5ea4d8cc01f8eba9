"""examples/spark on local[2]: the scores equal the `indicia` command's on 4,000 generated apps
and on the real APKs of the test data. Skipped (with the reason) where Spark or Java is missing."""

from __future__ import annotations

import os
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import APKS, REPO, run_cli
from engines import cli_reports_of_apks, java_missing, load_example, require, unavailable

pyspark = require("pyspark", "pip install pyspark")
pq = require("pyarrow.parquet", "pip install pyarrow")
if java_missing():
    unavailable(java_missing() or "")


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("indicia-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    yield session
    session.stop()


@pytest.fixture(scope="module")
def example():
    module = load_example("spark")
    from pyspark import cloudpickle

    cloudpickle.register_pickle_by_value(module)  # the workers cannot import it by name
    return module


def test_4000_generated_apps_equal_the_cli(spark, example, cli, tmp_path):
    evidence = tmp_path / "gen.jsonl"
    evidence.write_bytes(run_cli(cli, "gen", "evidence", "--apps", "4000", "--seed", "11"))
    expected = run_cli(cli, "eval", str(evidence)).decode().splitlines()
    out = tmp_path / "scores"
    example.run(spark, example.parse_args(["--jsonl", str(evidence), "--output", str(out), "--partitions", "2"]))
    table = pq.read_table(out)
    assert table.num_rows == 4000
    assert table.column("error").null_count == 4000
    assert sorted(table.column("report").to_pylist()) == sorted(expected)


def test_parquet_evidence_equals_the_cli(spark, example, cli, tmp_path, example_lines):
    import pyarrow as pa

    source = tmp_path / "evidence.parquet"
    pq.write_table(pa.table({"evidence": [l.decode() for l in example_lines]}), source)
    batch = tmp_path / "examples.jsonl"
    batch.write_bytes(b"\n".join(example_lines) + b"\n")
    expected = run_cli(cli, "eval", str(batch)).decode().splitlines()
    out = tmp_path / "scores"
    example.run(spark, example.parse_args(["--parquet", str(source), "--output", str(out)]))
    assert sorted(pq.read_table(out).column("report").to_pylist()) == sorted(expected)


@pytest.mark.parametrize("content", [False, True])
def test_real_apks_equal_the_cli(spark, example, cli, tmp_path, apk_files, content):
    expected = cli_reports_of_apks(cli, apk_files, tmp_path)
    out = tmp_path / "scores"
    args = ["--apks", str(APKS), "--output", str(out), "--batch-size", "4"] + (["--content"] if content else [])
    example.run(spark, example.parse_args(args))
    rows = pq.read_table(out).to_pylist()
    assert {Path(r["path"]).name: r["report"] for r in rows} == expected
    assert all(r["error"] is None for r in rows)


def test_content_keeps_the_extension_so_an_ipa_is_read_as_an_ipa(spark, example, cli, tmp_path):
    apps = tmp_path / "apps"
    apps.mkdir()
    ipa = apps / "mastodon.ipa"
    plist = REPO / "tests" / "data" / "extract" / "ios" / "info-plists" / "mastodon_App_Info.plist"
    with zipfile.ZipFile(ipa, "w") as archive:
        archive.write(plist, "Payload/Mastodon.app/Info.plist")
    expected = cli_reports_of_apks(cli, [ipa], tmp_path)
    out = tmp_path / "scores"
    example.run(spark, example.parse_args(["--apks", str(apps), "--glob", "*.ipa", "--content", "--output", str(out)]))
    rows = pq.read_table(out).to_pylist()
    assert {Path(r["path"]).name: r["report"] for r in rows} == expected
    assert rows[0]["error"] is None
    # Read as an IPA, not through the APK reader (which would warn that it has no AndroidManifest.xml).
    assert not any("AndroidManifest" in w for w in rows[0]["warnings"])


def test_app_extension():
    module = load_example("spark")
    assert module.app_extension("s3a://bucket/apps/Some.App.IPA") == ".ipa"
    assert module.app_extension("file:/data/x.apk") == ".apk"
    assert module.app_extension("hdfs://nn/apps.d/noextension") == ""
