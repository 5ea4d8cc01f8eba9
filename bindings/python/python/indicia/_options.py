"""The pack options that a job script takes on its command line, as ``indicia eval`` takes them:
``--rules PACK`` and repeated ``--param NAME=JSON``."""

from __future__ import annotations

import argparse
import json
from typing import Optional, Sequence

from ._indicia import Engine


def add_engine_options(parser: argparse.ArgumentParser) -> None:
    """Adds ``--rules`` and ``--param`` to ``parser`` (read back by :func:`engine_from_options`)."""
    parser.add_argument("--rules", help="a pack directory (default: the built-in pack)")
    parser.add_argument("--param", action="append", default=[], help="NAME=JSON param override (repeatable)")


def engine_from_options(rules: Optional[str] = None, params: Sequence[str] = ()) -> Engine:
    """The engine of the pack directory ``rules`` (the built-in pack when ``None``) with each
    ``NAME=JSON`` of ``params`` as a param override, e.g. ``restricted_countries=["CN","US"]``.
    A value that is not JSON raises ``ValueError`` naming the option."""
    overrides = {}
    for item in params:
        name, equals, value = item.partition("=")
        if not equals or not name:
            raise ValueError(f"--param {item!r}: expected NAME=JSON")
        try:
            overrides[name] = json.loads(value)
        except json.JSONDecodeError as error:
            raise ValueError(f"--param {item!r}: the value is not JSON ({error})") from None
    if rules:
        return Engine.from_path(rules, params=overrides)
    return Engine.builtin(params=overrides)
