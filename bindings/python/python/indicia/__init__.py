"""indicia: mobile-app data-collection indicators as rules-as-data.

Build an :class:`Engine` once (``Engine.builtin()``, ``Engine.from_path(dir)`` or
``Engine.from_source(text)``), then score evidence with ``evaluate`` (one object),
``evaluate_many`` / ``evaluate_jsonl`` (a batch, on all cores with the GIL released) or
``evaluate_arrow`` / ``scan_arrow`` (Arrow in, ``pyarrow.RecordBatch`` out). :func:`extract` turns
app files and captures into evidence, as ``indicia extract`` does; :func:`engine_from_options`
builds an engine from a job script's ``--rules``/``--param`` options. See docs/python.md.
"""

from ._errors import EvidenceError, ExtractError, ExtractWarning, IndiciaError, PackError
from ._indicia import Category, Engine, Indicator, Report, Summary, Witness, __version__, extract
from ._options import add_engine_options, engine_from_options

__all__ = [
    "Category",
    "Engine",
    "EvidenceError",
    "ExtractError",
    "ExtractWarning",
    "Indicator",
    "IndiciaError",
    "PackError",
    "Report",
    "Summary",
    "Witness",
    "__version__",
    "add_engine_options",
    "engine_from_options",
    "extract",
]
