"""examples/ray on a local 2-CPU Ray: the scores equal the `indicia` command's on generated apps
and on the real APKs of the test data. Skipped (with the reason) where Ray is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import APKS, run_cli
from engines import cli_reports_of_apks, load_example, require

ray = require("ray", "pip install 'ray[data]'")
require("ray.data", "pip install 'ray[data]'")
pq = require("pyarrow.parquet", "pip install pyarrow")


@pytest.fixture(scope="module")
def example():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    module = load_example("ray")
    ray.cloudpickle.register_pickle_by_value(module)  # the workers cannot import it by name
    yield module
    ray.shutdown()


def test_actor_plan_leaves_a_cpu_for_reads(example):
    assert example.actor_plan(2) == (1, 1.0)
    assert example.actor_plan(8) == (7, 1.0)
    assert example.actor_plan(1) == (1, 0.5)


def test_generated_apps_equal_the_cli(example, cli, tmp_path):
    evidence = tmp_path / "gen.jsonl"
    evidence.write_bytes(run_cli(cli, "gen", "evidence", "--apps", "4000", "--seed", "13"))
    expected = run_cli(cli, "eval", str(evidence)).decode().splitlines()
    out = tmp_path / "scores"
    example.run(example.parse_args(["--jsonl", str(evidence), "--output", str(out)]))
    table = pq.read_table(out)
    assert table.num_rows == 4000
    assert sorted(table.column("report").to_pylist()) == sorted(expected)


def test_real_apks_equal_the_cli(example, cli, tmp_path, apk_files):
    expected = cli_reports_of_apks(cli, apk_files, tmp_path)
    out = tmp_path / "scores"
    example.run(example.parse_args(["--apks", str(APKS), "--output", str(out), "--batch-size", "4"]))
    rows = pq.read_table(out).to_pylist()
    assert {Path(r["path"]).name: r["report"] for r in rows} == expected
