"""The Python API against the `indicia` command: same bytes, same errors."""

from __future__ import annotations

import argparse
import json
import pickle
import threading
import time
from pathlib import Path
from typing import List

import pytest

import indicia
from conftest import APKS, BUILTIN_PACK, run_cli


def lines_of(results: list) -> bytes:
    """What `indicia eval` prints for a batch: one line per report or rejected object."""
    return b"".join(item.to_json().encode() + b"\n" for item in results)


def test_batch_with_a_rejected_line_is_byte_identical_to_the_cli(cli, tmp_path, example_lines):
    rejected = b'{"app":{"id":"bad"},"facts":{"flow":[{"host":443}]}}'
    body = b"\n".join(example_lines[:3] + [rejected, b"", b"  "] + example_lines[3:]) + b"\n"
    batch = tmp_path / "batch.jsonl"
    batch.write_bytes(body)
    expected = run_cli(cli, "eval", str(batch), check_status=1)

    results = indicia.Engine.builtin().evaluate_jsonl(body, source=str(batch))
    assert lines_of(results) == expected
    error = results[3]
    assert isinstance(error, indicia.EvidenceError)
    assert (error.path, error.line, error.index) == ("facts.flow[0].host", 4, 3)
    assert error.source == f"{batch}:4"
    assert [type(r) for r in results].count(indicia.Report) == len(example_lines)


def test_jsonl_line_breaks_and_numbers_are_the_clis(cli, tmp_path, example_lines):
    # CRLF breaks, blank lines before a rejected line, and no break after the last line.
    rejected = b'{"app":{"id":"bad"},"facts":{"flow":[{"host":443}]}}'
    body = b"\r\n".join([b"", example_lines[0], b" \t", rejected] + example_lines[1:3])
    batch = tmp_path / "crlf.jsonl"
    batch.write_bytes(body)
    expected = run_cli(cli, "eval", str(batch), check_status=1)

    results = indicia.Engine.builtin().evaluate_jsonl(body, source=str(batch))
    assert lines_of(results) == expected
    assert len(results) == 4
    assert (results[1].line, results[1].index) == (4, 1)


def test_evaluate_many_equals_the_cli_line_by_line(cli, generated):
    expected = run_cli(cli, "eval", str(generated)).splitlines()
    items = generated.read_bytes().splitlines()
    reports = indicia.Engine.builtin().evaluate_many(items)
    assert [r.to_json().encode() for r in reports] == expected
    # str items give the same reports as bytes items.
    assert indicia.Engine.builtin().evaluate_many([i.decode() for i in items[:50]]) == reports[:50]


def test_one_object_pretty_equals_the_cli(cli, example_files):
    engine = indicia.Engine.builtin()
    for path in example_files:
        expected = run_cli(cli, "eval", str(path))
        report = engine.evaluate(path.read_bytes())
        assert report.to_json(pretty=True).encode() + b"\n" == expected, path.name
        # bytes, str and dict give the same report
        assert engine.evaluate(path.read_text()) == report
        assert engine.evaluate(json.loads(path.read_text())) == report


def test_typed_accessors_agree_with_the_json(example_files):
    engine = indicia.Engine.builtin()
    for path in example_files:
        report = engine.evaluate(path.read_bytes())
        data = json.loads(report.to_json())
        assert report.app_id == data["app"]["id"]
        assert report.app == data["app"]
        assert report.summary.failed == data["summary"]["failed"]
        assert report.summary.risk == data["summary"]["risk"]
        assert report.summary.risk_upper == data["summary"]["risk_upper"]
        assert [(c.id, c.failed, c.inconclusive) for c in report.categories] == [
            (c["id"], c["failed"], c["inconclusive"]) for c in data["categories"]
        ]
        assert report.verdicts == {i["id"]: i["verdict"] for i in data["indicators"]}
        failed = [i for i in data["indicators"] if i["verdict"] == "fail"]
        assert [i.id for i in report.failed()] == [i["id"] for i in failed]
        assert {k: [(w.kind, w.index) for w in v] for k, v in report.explanations().items()} == {
            i["id"]: [(w["kind"], w["index"]) for w in i["witnesses"]] for i in failed
        }
        assert report.to_dict() == data


def test_the_readme_table_figures():
    """The NSB totals the README quotes, read off the example files' reports."""
    engine = indicia.Engine.builtin()
    from conftest import EXAMPLES

    failed = {p.stem: engine.evaluate(p.read_bytes()).summary.failed for p in EXAMPLES.glob("*.json")}
    assert failed == {"rednote": 15, "weibo": 13, "douyin": 13, "wechat": 10, "baidu-cloud": 9, "benign-notes": 0}


def test_params_are_python_values_and_match_the_cli_overrides(cli, example_files):
    path = example_files[0]
    engine = indicia.Engine.builtin(params={"restricted_countries": ["CN", "US"]})
    assert engine.params["restricted_countries"] == ["CN", "US"]
    expected = run_cli(cli, "eval", "--param", 'restricted_countries=["CN", "US"]', str(path))
    assert engine.evaluate(path.read_bytes()).to_json(pretty=True).encode() + b"\n" == expected
    assert indicia.Engine.builtin().with_params({"restricted_countries": ["CN", "US"]}).params == engine.params


def test_job_scripts_take_rules_and_params_as_the_cli_does(cli, example_files):
    parser = argparse.ArgumentParser()
    indicia.add_engine_options(parser)
    args = parser.parse_args(["--param", 'restricted_countries=["CN", "US"]'])
    engine = indicia.engine_from_options(args.rules, args.param)
    assert engine.params["restricted_countries"] == ["CN", "US"]
    expected = run_cli(cli, "eval", "--param", 'restricted_countries=["CN", "US"]', str(example_files[0]))
    assert engine.evaluate(example_files[0].read_bytes()).to_json(pretty=True).encode() + b"\n" == expected
    for bad in ["restricted_countries", "restricted_countries=[CN]"]:
        with pytest.raises(ValueError, match="--param"):
            indicia.engine_from_options(None, [bad])


def test_pickle_round_trip_rebuilds_the_same_engine(example_lines):
    engines = [
        indicia.Engine.builtin(params={"restricted_countries": ["RU"]}),
        indicia.Engine.from_path(BUILTIN_PACK),
        indicia.Engine.from_source((BUILTIN_PACK / "schema.ind").read_text() + PACK_TAIL, name="mini"),
    ]
    for engine in engines:
        copy = pickle.loads(pickle.dumps(engine))
        assert isinstance(copy, indicia.Engine)
        assert (copy.pack_name, copy.params, copy.indicator_ids) == (engine.pack_name, engine.params, engine.indicator_ids)
        assert copy.evaluate_many(example_lines) == engine.evaluate_many(example_lines)


PACK_TAIL = """
category net { title: "Network" }
indicator "NET-1" { title: "Talks to a host" category: net severity: low when: count(flow) > 0 }
"""


def test_another_thread_runs_during_a_batch_call(generated):
    engine = indicia.Engine.builtin()
    data = generated.read_bytes() * 3
    ticks = 0
    running = True

    def spin() -> None:
        nonlocal ticks
        while running:
            ticks += 1

    thread = threading.Thread(target=spin)
    thread.start()
    try:
        time.sleep(0.05)
        before = ticks
        started = time.perf_counter()
        results = engine.evaluate_jsonl(data)
        elapsed = time.perf_counter() - started
        during = ticks - before
    finally:
        running = False
        thread.join()
    assert len(results) == 6000
    # With the GIL held for the call, the other thread could not run a single bytecode during it.
    assert during > 1000, f"the other thread ran {during} iterations in {elapsed:.3f}s"


def test_pack_errors_carry_the_diagnostics():
    with pytest.raises(indicia.PackError) as caught:
        indicia.Engine.from_source('category c { title: "C" }\nindicator "X" { title: "x" category: nope severity: low when: true }\n', name="broken")
    error = caught.value
    assert "broken.ind:2:" in str(error)
    assert "^" in str(error)
    assert error.diagnostics and error.diagnostics[0]["severity"] == "error"
    with pytest.raises(indicia.PackError, match="cannot read|No such file"):
        indicia.Engine.from_path("/nonexistent/pack")


def test_param_errors():
    with pytest.raises(indicia.PackError, match=r"unknown param `restricted_country` \(did you mean `restricted_countries`\?\)"):
        indicia.Engine.builtin(params={"restricted_country": ["CN"]})
    with pytest.raises(indicia.PackError, match="takes `\\[string\\]`"):
        indicia.Engine.builtin(params={"restricted_countries": "CN"})
    with pytest.raises(indicia.PackError, match="takes `\\[string\\]`"):
        indicia.Engine.builtin(params={"restricted_countries": [1]})


def test_evidence_errors_carry_the_json_path():
    engine = indicia.Engine.builtin()
    with pytest.raises(indicia.EvidenceError) as caught:
        engine.evaluate({"app": {"id": "x"}, "facts": {"permission": [{"name": "a"}, {"name": 5}]}})
    assert caught.value.path == "facts.permission[1].name"
    assert str(caught.value).startswith("facts.permission[1].name: ")
    assert isinstance(caught.value, ValueError)
    with pytest.raises(indicia.EvidenceError):
        engine.evaluate(b"{not json")
    with pytest.raises(TypeError):
        engine.evaluate(42)
    with pytest.raises(TypeError):
        engine.evaluate_many(b"{}")


def test_extract_equals_the_cli(cli, apk_files):
    for apk in apk_files:
        for compact in (False, True):
            args = ["extract", "--apk", str(apk)] + (["--compact"] if compact else [])
            expected = run_cli(cli, *args)
            assert indicia.extract(apk=apk, compact=compact).encode() + b"\n" == expected, apk.name


def test_extract_reads_split_apk_archives_as_the_cli(cli):
    # .apks and .xapk files given as apk= are read as split archives, as `indicia extract --apk` does.
    archives = [p for p in sorted((APKS.parent / "apks").iterdir()) if p.suffix in (".apks", ".xapk")]
    assert len(archives) == 2
    for archive in archives:
        expected = run_cli(cli, "extract", "--apk", str(archive))
        assert indicia.extract(apk=archive).encode() + b"\n" == expected, archive.name


def test_extract_errors(tmp_path, apk_files):
    with pytest.raises(indicia.ExtractError, match="no source"):
        indicia.extract()
    missing = tmp_path / "missing.apk"
    with pytest.raises(indicia.ExtractError) as caught:
        indicia.extract(apk=[apk_files[0], missing])
    assert len(caught.value.errors) == 1 and "missing.apk" in caught.value.errors[0]
    assert caught.value.evidence is not None  # what the readable source gave
    broken = tmp_path / "broken.apk"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(indicia.ExtractError, match="broken.apk"):
        indicia.extract(apk=broken)


DYNAMIC = Path(__file__).resolve().parents[3] / "tests" / "data" / "dynamic"


@pytest.mark.parametrize(
    "sources",
    [
        {"appops": "appops_get.handmade.txt", "package_dump": "dumpsys_package.handmade.txt", "frida_log": "frida_android.handmade.jsonl"},
        {"privacy_report": "plaso_ios_app_privacy_report.ndjson"},
        {"appops": ["aosp_appops-version-1.xml"], "package_dump": "dumpsys_package.handmade.txt"},
        {"pcap": "../extract/network/arkime_curl-enabled-tls13.pcapng"},
        {"pcap": "../extract/network/arkime_dns-udp.pcap", "countries": "none"},
        {"mobsf": "../extract/mobsf/defectdojo_mobsf-3.6.7_android_insecureshop.json"},
    ],
)
def test_run_time_sources_equal_the_cli(cli, sources):
    """The run-time readers (App Privacy Report, AppOps, package dump, Frida log) through
    `indicia.extract`, against `indicia extract` with the same flags and app id."""
    args = ["extract", "--app-id", "com.example.shop"]
    kwargs = {}
    for name, files in sources.items():
        if name == "countries":
            args += ["--countries", files]
            kwargs[name] = files
            continue
        paths = [DYNAMIC / f for f in ([files] if isinstance(files, str) else files)]
        for path in paths:
            args += ["--" + name.replace("_", "-"), str(path)]
        kwargs[name] = paths if isinstance(files, list) else paths[0]
    done = __import__("subprocess").run([str(cli), *args], capture_output=True, check=False)
    if done.returncode == 0:
        assert indicia.extract(app_id="com.example.shop", **kwargs).encode() + b"\n" == done.stdout
    else:
        with pytest.raises(indicia.ExtractError) as caught:
            indicia.extract(app_id="com.example.shop", **kwargs)
        assert (caught.value.evidence or "").encode() + (b"\n" if done.stdout else b"") == done.stdout
