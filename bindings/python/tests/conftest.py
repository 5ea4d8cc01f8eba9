"""Shared fixtures: the repository's files and the `indicia` command to compare against."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import List

import pytest

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "examples" / "evidence"
APKS = REPO / "tests" / "data" / "extract" / "apk"
BUILTIN_PACK = REPO / "rules" / "tw-mabis-v4"


def _find_cli() -> Path | None:
    given = os.environ.get("INDICIA_BIN")
    if given:
        return Path(given)
    for profile in ("release", "debug"):
        candidate = REPO / "target" / profile / "indicia"
        if candidate.is_file():
            return candidate
    found = shutil.which("indicia")
    return Path(found) if found else None


@pytest.fixture(scope="session")
def cli() -> Path:
    """The `indicia` binary (INDICIA_BIN, else target/release or target/debug of the repository)."""
    path = _find_cli()
    if path is None or not path.is_file():
        pytest.fail(
            "these tests compare with the `indicia` command: build it (`cargo build --release --bin indicia`) "
            "or set INDICIA_BIN"
        )
    return path


def run_cli(cli: Path, *args: str, check_status: int | None = 0) -> bytes:
    """Runs `indicia ARGS` and returns its standard output (asserting the exit status)."""
    done = subprocess.run([str(cli), *args], capture_output=True, check=False)
    if check_status is not None:
        assert done.returncode == check_status, done.stderr.decode(errors="replace")
    return done.stdout


@pytest.fixture(scope="session")
def example_files() -> List[Path]:
    files = sorted(EXAMPLES.glob("*.json"))
    assert files, f"no example evidence in {EXAMPLES}"
    return files


@pytest.fixture(scope="session")
def apk_files() -> List[Path]:
    files = sorted(APKS.glob("*.apk"))
    assert files, f"no APKs in {APKS}"
    return files


@pytest.fixture(scope="session")
def example_lines(example_files: List[Path]) -> List[bytes]:
    """The example evidence, one compact JSON line per app."""
    return [json.dumps(json.loads(f.read_text()), separators=(",", ":")).encode() for f in example_files]


@pytest.fixture(scope="session")
def generated(cli: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A JSON Lines batch of 2,000 generated apps (`indicia gen evidence`)."""
    path = tmp_path_factory.mktemp("gen") / "gen.jsonl"
    path.write_bytes(run_cli(cli, "gen", "evidence", "--apps", "2000", "--seed", "7"))
    return path
