#!/usr/bin/env python3
"""Prints the tables of RESULTS.md from criterion's estimates of the last `peers` run.

Usage: python3 benches/peers/table.py [CRITERION_DIR ...]   (default: target/criterion)

Figures are criterion's median point estimates, divided by the number of apps in the set, so
every cell is a time per app (construction: per engine). Given several criterion directories
(copies of target/criterion after separate runs), each cell is the least of their medians: on a
shared machine other processes only ever add time. Ratios are the engine's time over indicia's in
the same column.
"""

import json
import os
import sys

ROOTS = sys.argv[1:] or ["target/criterion"]
REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
# The apps of each evidence set, counted as benches/peers.rs finds them.
FIXTURES = sum(
    len([f for f in os.listdir(os.path.join(REPO, d)) if f.endswith(".json")])
    for d in ["rules/tw-mabis-v4/tests/fixtures", "examples/evidence"]
)
SETS = {"fixtures": FIXTURES, "gen200": 1}
ENGINES = ["indicia", "indicia-report", "indicia-reference", "regorus", "regorus-rvm", "regorus-2v",
           "regorus-2v-rvm", "cel"]
# The input form each engine evaluates: the reference and the report read indicia's evidence,
# the RVM reads regorus' values.
PARSER = {"indicia": "indicia", "indicia-report": "indicia", "indicia-reference": "indicia",
          "regorus": "regorus", "regorus-rvm": "regorus", "regorus-2v": "regorus",
          "regorus-2v-rvm": "regorus", "cel": "cel"}


def median(group, bench):
    found = []
    for root in ROOTS:
        path = os.path.join(root, group.replace("/", "_"), bench, "new", "estimates.json")
        try:
            with open(path) as f:
                found.append(json.load(f)["median"]["point_estimate"])  # nanoseconds
        except FileNotFoundError:
            pass
    return min(found) if found else None


def fmt(ns):
    if ns is None:
        return "—"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.1f} µs"
    return f"{ns:.0f} ns"


def ratio(x, base):
    if x is None or base is None or base == 0:
        return "—"
    return f"{x / base:.1f}×"


def main():
    construct = {e: median("peers/construct", e) for e in ENGINES}
    construct["indicia-report"] = construct["indicia"]
    for name, apps in SETS.items():
        print(f"\n### Evidence set `{name}` ({apps} app{'s' if apps > 1 else ''}; times per app)\n")
        print("| engine | (a) construct | (b) parse | (c) eval | (d) whole | (c) ÷ indicia | (d) ÷ indicia |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        per_app = lambda v: None if v is None else v / apps
        base_c = per_app(median(f"peers/eval/{name}", "indicia"))
        base_d = per_app(median(f"peers/whole/{name}", "indicia"))
        for e in ENGINES:
            b = per_app(median(f"peers/parse/{name}", PARSER[e]))
            c = per_app(median(f"peers/eval/{name}", e))
            d = per_app(median(f"peers/whole/{name}", e))
            print(f"| {e} | {fmt(construct[e])} | {fmt(b)} | {fmt(c)} | {fmt(d)} | {ratio(c, base_c)} | {ratio(d, base_d)} |")
    print("\n### 1,000 generated indicators (`indicia_testkit::generate`), indicia against its reference interpreter\n")
    print("| evidence set | engine | (a) construct | (c) eval per app | (d) whole per app | (c) ÷ indicia | (d) ÷ indicia |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for name, apps in SETS.items():
        per_app = lambda v: None if v is None else v / apps
        base_c = per_app(median(f"peers/scale1000/eval/{name}", "indicia"))
        base_d = per_app(median(f"peers/scale1000/whole/{name}", "indicia"))
        for e in ["indicia", "indicia-reference"]:
            a = median("peers/scale1000/construct", e)
            c = per_app(median(f"peers/scale1000/eval/{name}", e))
            d = per_app(median(f"peers/scale1000/whole/{name}", e))
            print(f"| {name} | {e} | {fmt(a)} | {fmt(c)} | {fmt(d)} | {ratio(c, base_c)} | {ratio(d, base_d)} |")


main()
