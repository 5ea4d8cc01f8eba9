#!/usr/bin/env python3
"""The extraction peer of issue 18: androguard reads the same APKs for the same facts as `indicia extract --apk`.

Outside the Rust build; needs androguard in a virtual environment:

    python3 -m venv /tmp/ag && /tmp/ag/bin/pip install androguard
    /tmp/ag/bin/python benches/peers/androguard_extract.py [--rounds N] [--check DIR] APK...

For each APK, one round is, inside this one Python process (start-up and imports excluded, file in
the page cache): `APK(path)` (zip and binary manifest), then the facts indicia extracts from it:
package, version, SDK levels, requested permissions, activities, services, receivers and providers,
and the method references of every `classes*.dex` (`DEX(bytes)`, each entry of its `method_ids`
table as `java.Class.method`, distinct across the DEX files). No cross-reference analysis
(`AnalyzeAPK`) is run: indicia does not build one either.

Prints one tab-separated line per APK: name, bytes, best and median wall-clock seconds over the
rounds, the best CPU time of this thread (`time.thread_time()`: what a loaded machine does not
inflate), MB/s (APK size / best CPU time), and the counts of permissions, components and distinct method references.
With `--check DIR` (the test data: tests/data/extract/apk), the method references are checked
against `DIR/expected_method_refs.json` (count and SHA-256 of the sorted list) before anything is
reported, so both sides are known to have read the same facts.
"""

import argparse
import hashlib
import json
import os
import statistics
import sys
import time

START = time.perf_counter()
from androguard.core.apk import APK  # noqa: E402
from androguard.core.dex import DEX  # noqa: E402

try:  # androguard logs every step through loguru at DEBUG level; that would be timed too
    from loguru import logger

    logger.remove()
except ImportError:
    pass
IMPORT_SECONDS = time.perf_counter() - START

PRIMITIVES = {"V": "void", "Z": "boolean", "B": "byte", "S": "short", "C": "char", "I": "int", "J": "long", "F": "float", "D": "double"}


def java_type(descriptor):
    """`Lpkg/Outer$Inner;` -> `pkg.Outer$Inner`, `[I` -> `int[]` (the form of expected_method_refs.json)."""
    dims = len(descriptor) - len(descriptor.lstrip("["))
    base = descriptor[dims:]
    if base.startswith("L") and base.endswith(";"):
        name = base[1:-1].replace("/", ".")
    else:
        name = PRIMITIVES.get(base, base)
    return name + "[]" * dims


def method_ids(dex):
    """Every entry of the DEX file's `method_ids` table."""
    return dex.get_methods_id_item().gets()


def optional(getter):
    """A manifest value, or None when the APK has no manifest (androguard raises KeyError then)."""
    try:
        return getter()
    except KeyError:
        return None


def facts(path):
    """The facts `indicia extract --apk` reads, as androguard gives them."""
    apk = APK(path)
    refs = set()
    for data in apk.get_all_dex():
        for m in method_ids(DEX(data)):
            refs.add(java_type(m.get_class_name()) + "." + m.get_name())
    return {
        "package": apk.get_package(),
        "version": (optional(apk.get_androidversion_code), optional(apk.get_androidversion_name)),
        "sdk": (apk.get_min_sdk_version(), apk.get_target_sdk_version()),
        "permissions": apk.get_permissions(),
        "components": apk.get_activities() + apk.get_services() + apk.get_receivers() + apk.get_providers(),
        "method_refs": refs,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--check", help="directory holding expected_method_refs.json")
    parser.add_argument("apks", nargs="+")
    args = parser.parse_args()
    expected = {}
    if args.check:
        with open(os.path.join(args.check, "expected_method_refs.json")) as f:
            expected = json.load(f)
    print(f"# androguard imported in {IMPORT_SECONDS:.3f} s (not in the times below)", file=sys.stderr)
    print("apk\tbytes\tbest_s\tmedian_s\tbest_cpu_s\tMB/s_cpu\tpermissions\tcomponents\tmethod_refs")
    for path in args.apks:
        name = os.path.basename(path)
        times, cpu = [], []
        for _ in range(max(1, args.rounds)):
            start, start_cpu = time.perf_counter(), time.thread_time()
            got = facts(path)
            times.append(time.perf_counter() - start)
            cpu.append(time.thread_time() - start_cpu)
        refs = got["method_refs"]
        if name in expected:
            text = "".join(line + "\n" for line in sorted(refs)).encode()
            want = expected[name]
            if len(refs) != want["distinct_method_refs"] or hashlib.sha256(text).hexdigest() != want["sha256_of_sorted_lines"]:
                sys.exit(f"{name}: androguard's method references differ from expected_method_refs.json")
        size = os.path.getsize(path)
        best_cpu = min(cpu)
        print(
            f"{name}\t{size}\t{min(times):.6f}\t{statistics.median(times):.6f}\t{best_cpu:.6f}\t{size / 1e6 / best_cpu:.2f}\t"
            f"{len(got['permissions'])}\t{len(got['components'])}\t{len(refs)}"
        )


if __name__ == "__main__":
    main()
