"""docs/benchmarks.md from bench/out/results.json (written by bench/run_all.py).

    .venv/bin/python bench/report.py [results.json] [--out docs/benchmarks.md]

Tables and verdicts are computed from the results; bench/analysis.md (hand-written findings
of the committed run) and the seed-data page weight are included as they are.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import report_sections as sec  # noqa: E402
import report_targets  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results", nargs="?", default=os.path.join(HERE, "out", "results.json"))
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "benchmarks.md"))
    args = ap.parse_args(argv)
    with open(args.results, encoding="utf-8") as f:
        r = json.load(f)
    r["sizes"] = [int(n) for n in r["sizes"]]
    for key in ("items", "collection", "growth", "pages", "memory", "published"):  # JSON keys are strings
        r[key] = {int(k): v for k, v in r.get(key, {}).items() if k.lstrip("-").isdigit()} | \
            {k: v for k, v in r.get(key, {}).items() if not k.lstrip("-").isdigit()}
    analysis = os.path.join(HERE, "analysis.md")
    parts = [sec.header(r), report_targets.targets(r)]
    if os.path.exists(analysis):
        with open(analysis, encoding="utf-8") as f:
            parts.append(f.read().strip() + "\n")
    parts += [sec.items(r), sec.collection(r), sec.pages(r), sec.store(r), sec.writes(r), sec.memory(r),
              sec.growth(r), sec.failures(r), sec.profiles(r), sec.commands(r), sec.seed_page(r)]
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("\n".join(p for p in parts if p))
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
