"""Helpers shared by the Spark and Ray tests: the examples as modules, the CLI's expected reports."""

from __future__ import annotations

import importlib
import importlib.util
import os
import shutil
import sys
from pathlib import Path
from types import ModuleType
from typing import Dict, List

from conftest import REPO, run_cli


def load_example(engine: str) -> ModuleType:
    """`examples/<engine>/score.py` as a module."""
    path = REPO / "examples" / engine / "score.py"
    spec = importlib.util.spec_from_file_location(f"indicia_{engine}_example", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def require(module: str, install: str) -> ModuleType:
    """Imports `module`, or skips the calling test module saying how to install it (fails instead
    when INDICIA_REQUIRE_ENGINES is set, as in CI, so that a missing engine cannot pass silently)."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        unavailable(f"{module} is not installed ({install}): {error}")
        raise


def unavailable(reason: str) -> None:
    """Skips the calling test module with `reason`, or fails under INDICIA_REQUIRE_ENGINES."""
    import pytest

    if os.environ.get("INDICIA_REQUIRE_ENGINES"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def java_missing() -> str | None:
    """Why Spark cannot run here, or None."""
    if shutil.which("java") is None and not _java_home():
        return "Spark needs a Java runtime: no `java` on PATH and no JAVA_HOME (apt-get install default-jre-headless)"
    return None


def _java_home() -> bool:
    home = os.environ.get("JAVA_HOME")
    return bool(home) and (Path(home) / "bin" / "java").exists()


def cli_reports_of_apks(cli: Path, apks: List[Path], tmp: Path) -> Dict[str, str]:
    """What `indicia extract --compact --apk F | indicia eval` gives for each app (`--ipa` for an
    `.ipa`), by file name."""
    flag = lambda app: "--ipa" if app.suffix == ".ipa" else "--apk"  # noqa: E731
    evidence = [run_cli(cli, "extract", "--compact", flag(apk), str(apk)) for apk in apks]
    batch = tmp / "apks.jsonl"
    batch.write_bytes(b"".join(evidence))
    lines = run_cli(cli, "eval", str(batch)).decode().splitlines()
    assert len(lines) == len(apks)
    return {apk.name: line for apk, line in zip(apks, lines)}
