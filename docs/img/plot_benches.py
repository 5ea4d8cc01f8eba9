"""Plots of docs/performance.md from criterion's estimates (target/criterion/**/new/estimates.json).

Run after the benches (cargo bench --bench eval, --bench compile, --bench batch):

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install matplotlib
    /tmp/venv/bin/python docs/img/plot_benches.py [target/criterion] [docs/img]

Writes time_vs_facts.png and time_vs_indicators.png. Each point is criterion's mean (the line)
with its 95% confidence interval (the bar). A series whose estimates are missing is left out.
"""

import json
import re
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")
OUT = Path(sys.argv[2] if len(sys.argv) > 2 else "docs/img")


def estimate(group, bench):
    """(mean, low, high) in microseconds, or None."""
    path = ROOT / group / bench / "new" / "estimates.json"
    if not path.exists():
        return None
    mean = json.loads(path.read_text())["mean"]
    ci = mean["confidence_interval"]
    return mean["point_estimate"] / 1e3, ci["lower_bound"] / 1e3, ci["upper_bound"] / 1e3


def series(group, pattern):
    """Points (x, mean, low, high) of the benches of `group` whose id matches `pattern` (x = group 1)."""
    base = ROOT / group
    points = []
    if not base.exists():
        return points
    for estimates in base.rglob("new/estimates.json"):
        bench = str(estimates.parent.parent.relative_to(base))
        m = re.fullmatch(pattern, bench)
        if m:
            e = estimate(group, bench)
            if e:
                points.append((int(m.group(1)), *e))
    return sorted(points)


def plot(ax, points, label, style):
    if not points:
        return
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    err = [[p[1] - p[2] for p in points], [p[3] - p[1] for p in points]]
    ax.errorbar(xs, ys, yerr=err, fmt=style, label=label, capsize=3)
    for x, y in zip(xs, ys):
        ax.annotate(f"{y:,.3g} µs", (x, y), textcoords="offset points", xytext=(4, -10), fontsize=7)


def finish(ax, fig, xlabel, title, name, ylabel="time per app (µs, log)"):
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(OUT / name, dpi=120)
    print("wrote", OUT / name)


fig, ax = plt.subplots(figsize=(7.5, 4.8))
plot(ax, series("eval_15_indicators", r"(\d+)_facts"), "evaluate only, built-in pack (bench eval)", "o-")
plot(ax, series("eval_15_indicators_gen", r"(\d+)_facts"), "evaluate only, built-in pack, gen evidence (bench eval)", "s-")
plot(ax, series("batch_facts", r"whole_(\d+)"), "JSON line → JSON report, built-in pack (bench batch)", "^-")
plot(ax, series("batch_facts", r"value_parse_(\d+)"), "serde_json::Value parse of the same line (bench batch)", "v--")
finish(ax, fig, "facts per app (log)", "Time against facts (one core)", "time_vs_facts.png")

fig, ax = plt.subplots(figsize=(7.5, 4.8))
plot(ax, series("eval_1000_facts", r"(\d+)_indicators"), "evaluate only, 1,000 facts (bench eval)", "o-")
plot(ax, series("batch_indicators", r"whole_(\d+)"), "JSON line → JSON report, 200 facts (bench batch)", "^-")
plot(ax, series("compile", r"(\d+)_indicators"), "compile the pack, once (bench compile)", "s:")
finish(
    ax,
    fig,
    "indicators in the pack (log)",
    "Time against indicators (one core)",
    "time_vs_indicators.png",
    "time (µs, log): per app; compile: per pack",
)
