"""Arrow in, Arrow out: the record batch against the `indicia` command's reports."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import pytest

import indicia
from conftest import run_cli
from engines import require

pa = require("pyarrow", "pip install pyarrow")


def test_evaluate_arrow_columns_match_the_cli(cli, generated):
    expected = run_cli(cli, "eval", str(generated)).decode().splitlines()
    lines = generated.read_text().splitlines()
    engine = indicia.Engine.builtin()
    for array in (pa.array(lines), pa.array(lines, pa.large_string()), pa.array([l.encode() for l in lines])):
        batch = engine.evaluate_arrow(array)
        assert isinstance(batch, pa.RecordBatch)
        assert batch.column("report").to_pylist() == expected
    rows = batch.to_pylist()
    for row, line in zip(rows, expected):
        report = json.loads(line)
        assert row["app_id"] == report["app"]["id"]
        assert row["failed"] == report["summary"]["failed"]
        assert row["inconclusive"] == report["summary"]["inconclusive"]
        assert row["risk"] == report["summary"]["risk"]
        assert row["risk_upper"] == report["summary"]["risk_upper"]
        for category in report["categories"]:
            assert row["failed_" + category["id"]] == category["failed"]
        assert row["error"] is None


def test_rejected_and_null_rows_keep_their_place(example_lines):
    engine = indicia.Engine.builtin()
    values = [example_lines[0].decode(), '{"app":{}}', None, example_lines[1].decode()]
    batch = engine.evaluate_arrow(pa.array(values))
    rows = batch.to_pylist()
    assert [r["app_id"] for r in rows] == [json.loads(values[0])["app"]["id"], None, None, json.loads(values[3])["app"]["id"]]
    assert rows[1]["error"] == "app: missing required member" or "app" in rows[1]["error"]
    assert rows[2]["error"] == "the evidence is null"
    assert rows[1]["report"] is None and rows[1]["failed"] is None


class _Uncombinable:
    """A chunked array whose chunks must be read in place: combining them (a copy) fails."""

    def __init__(self, chunked):
        self.chunks = chunked.chunks

    def combine_chunks(self):
        raise AssertionError("the chunks were combined into one array (a copy)")


def test_chunked_arrays_are_read_chunk_by_chunk(example_lines):
    engine = indicia.Engine.builtin()
    lines = [l.decode() for l in example_lines]
    chunked = pa.chunked_array([lines[:2], [], lines[2:]])
    expected = engine.evaluate_arrow(pa.array(lines)).column("report")
    assert engine.evaluate_arrow(chunked).column("report") == expected
    assert engine.evaluate_arrow(_Uncombinable(chunked)).column("report") == expected
    assert engine.evaluate_arrow(pa.chunked_array([], pa.string())).num_rows == 0


def test_string_columns_have_64_bit_offsets(example_lines, apk_files):
    """A `string` column holds at most 2 GiB per batch (32-bit offsets), which the evidence or
    reports of a batch of large apps pass: every string column is `large_string`."""
    engine = indicia.Engine.builtin()
    evaluated = engine.evaluate_arrow(pa.array([l.decode() for l in example_lines])).schema
    scanned = engine.scan_arrow(pa.array([str(apk_files[0])])).schema
    for schema in (evaluated, scanned):
        for field in schema:
            if field.name in ("failed", "inconclusive") or field.name.startswith("failed_"):
                assert field.type == pa.int32(), field
            elif field.name in ("risk", "risk_upper"):
                assert field.type == pa.float64(), field
            elif field.name == "warnings":
                assert field.type == pa.list_(pa.large_string()), field
            else:
                assert field.type == pa.large_string(), field
    assert {"report", "error", "app_id"} <= set(evaluated.names)
    assert {"path", "evidence", "warnings", "report", "error"} <= set(scanned.names)


def test_other_types_are_refused():
    with pytest.raises(TypeError, match="strings or binary"):
        indicia.Engine.builtin().evaluate_arrow(pa.array([1, 2]))


def test_scan_arrow_equals_extract_then_eval(cli, apk_files, tmp_path):
    evidence = [run_cli(cli, "extract", "--compact", "--apk", str(apk)) for apk in apk_files]
    batch_file = tmp_path / "apks.jsonl"
    batch_file.write_bytes(b"".join(evidence))
    expected = run_cli(cli, "eval", str(batch_file)).decode().splitlines()

    paths = [str(p) for p in apk_files] + [str(tmp_path / "missing.apk")]
    batch = indicia.Engine.builtin().scan_arrow(pa.array(paths))
    rows = batch.to_pylist()
    assert batch.schema.names[0] == "path" and "evidence" in batch.schema.names
    assert [r["report"] for r in rows[:-1]] == expected
    assert [r["evidence"].encode() + b"\n" for r in rows[:-1]] == evidence
    assert rows[-1]["report"] is None and "missing.apk" in rows[-1]["error"]


def test_scan_arrow_gives_the_warnings_indicia_scan_prints(cli, apk_files, tmp_path):
    bare = tmp_path / "bare.apk"  # no manifest, no code: the extractor warns about both
    with zipfile.ZipFile(bare, "w") as archive:
        archive.writestr("README.txt", "not much of an app\n")
    done = subprocess.run([str(cli), "scan", str(bare)], capture_output=True, check=False)
    prefix = "warning: "
    expected = [l[len(prefix) :] for l in done.stderr.decode().splitlines() if l.startswith(prefix)]
    assert len(expected) >= 2, done.stderr.decode()

    paths = [str(bare), str(apk_files[0]), None]
    rows = indicia.Engine.builtin().scan_arrow(pa.array(paths, pa.string())).to_pylist()
    assert rows[0]["warnings"] == expected
    assert rows[0]["error"] is None and rows[0]["report"] is not None
    cli_warnings = subprocess.run([str(cli), "scan", str(apk_files[0])], capture_output=True, check=False).stderr
    assert rows[1]["warnings"] == [l[len(prefix) :] for l in cli_warnings.decode().splitlines() if l.startswith(prefix)]
    assert rows[2]["warnings"] is None and rows[2]["error"] == "the path is null"
