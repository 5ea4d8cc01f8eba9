"""The exceptions of indicia (raised by the native module, declared here as plain Python)."""

from __future__ import annotations

import json
from typing import Any, List, Optional


class IndiciaError(Exception):
    """Base class of every indicia error."""


class PackError(IndiciaError, ValueError):
    """A rule pack that cannot be loaded, checked or compiled, or a refused param value.

    ``str(error)`` is the summary followed by the diagnostics in rustc's layout (file:line:col and a
    caret), as ``indicia check`` prints them; ``diagnostics`` holds them as data (``indicia check
    --format json``), ``plain`` one line each.
    """

    def __init__(self, message: str, plain: str = "", diagnostics_json: str = "[]") -> None:
        super().__init__(message)
        self.message = message
        self.plain = plain
        self.diagnostics: List[Any] = json.loads(diagnostics_json) if diagnostics_json else []


class EvidenceError(IndiciaError, ValueError):
    """Evidence that does not fit the pack's schema.

    ``path`` is the JSON path of the problem (``facts.flow[3].port``; ``""`` for the document
    itself) and ``detail`` what was wrong there; ``str(error)`` is both, as ``indicia eval`` prints
    it. ``code`` is the stable code of the kind of rejection (``V0003`` a wrong type; the table is in
    docs/evidence.md). In a batch, ``index`` is the object's 0-based position, ``line`` its line (or 1-based
    position) and ``source`` ``NAME:LINE``; ``to_json()`` is the line ``indicia eval`` prints in
    the rejected object's place.
    """

    def __init__(
        self,
        message: str,
        path: str = "",
        detail: str = "",
        index: Optional[int] = None,
        line: Optional[int] = None,
        source: Optional[str] = None,
        json_line: Optional[str] = None,
        code: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.detail = detail
        self.index = index
        self.line = line
        self.source = source
        self._json_line = json_line
        self.code = code

    def to_json(self) -> str:
        """``{"source":"NAME:LINE","code":CODE,"error":MESSAGE}``, as ``indicia eval`` prints it for a batch."""
        if self._json_line is not None:
            return self._json_line
        line = {"source": self.source, "code": self.code, "error": self.message}
        return json.dumps(line, ensure_ascii=False, separators=(",", ":"))


class ExtractError(IndiciaError):
    """A source that could not be read (a missing file, a broken APK...).

    ``errors`` has one message per failed source (each names its file); ``evidence`` is what the
    other sources gave (the JSON ``indicia extract`` still prints before it exits with status 2),
    or None.
    """

    def __init__(self, message: str, errors: Optional[List[str]] = None, evidence: Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors: List[str] = list(errors or [])
        self.evidence = evidence


class ExtractWarning(UserWarning):
    """A problem an extractor worked around (``warning:`` lines of ``indicia extract``)."""
