"""Precision of the clinical summary's facts on authored reports with expected facts.

    python tests/benchmarks/facts.py [--show] [--part tuned|held_out] [--per-fact]

The reports were written apart from the rules, a set at a time, by writers who saw only the
value conventions. tests/facts/held_out/ is the latest set, measured and never tuned on;
tests/facts/tuned/ holds the earlier sets, each measured once before the rules were tuned on it
(their figures are in docs/accuracy.md). Each report is a .txt (pages separated by a
form feed, or by a line reading \\f) with a .toml listing the facts a careful reader takes from
it. A found fact is right when its kind and value are expected, wrong otherwise (a value nobody
expected counts against). Prints precision (right / found) and recall (right / expected) for
each part, and documents/s.
"""

from __future__ import annotations

import argparse
import sys
import time
import tomllib
from pathlib import Path

from packet.facts import extract

FOLDER = Path(__file__).resolve().parents[1] / "facts"


def pages_of(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8").replace("\\f", "\f")
    return text.split("\f")


def expected_of(path: Path) -> set[tuple[str, str]]:
    data = tomllib.loads(path.with_suffix(".toml").read_text(encoding="utf-8"))
    return {(f["kind"], f["value"].casefold()) for f in data.get("fact", [])}


Tally = dict[str, list[int]]  # fact kind → [right, wrong, expected]


def score(found: set[tuple[str, str]], want: set[tuple[str, str]], tally: Tally) -> None:
    """Add one report's right, wrong and expected facts to `tally`, kind by kind."""
    for kind, _ in found | want:
        tally.setdefault(kind, [0, 0, 0])
    for kind, _ in found & want:
        tally[kind][0] += 1
    for kind, _ in found - want:
        tally[kind][1] += 1
    for kind, _ in want:
        tally[kind][2] += 1


def print_per_fact(tally: Tally) -> None:
    for kind, (right, wrong, expected) in sorted(tally.items()):
        precision = f"{right / (right + wrong):6.1%}" if right + wrong else "     —"
        recall = f"{right / expected:6.1%}" if expected else "     —"
        print(
            f"    {kind:13} expected {expected:4}  right {right:4}  wrong {wrong:3}  "
            f"precision {precision}  recall {recall}"
        )


def measure(part: str, show: bool, tally: Tally | None = None) -> tuple[int, int, int]:
    right = wrong = expected = 0
    for report in sorted((FOLDER / part).glob("*.txt")):
        want = expected_of(report)
        found = {(f.kind.value, f.value.casefold()) for f in extract(pages_of(report))}
        right += len(found & want)
        wrong += len(found - want)
        expected += len(want)
        if tally is not None:
            score(found, want, tally)
        if show and found != want:
            print(f"  {report.name}: wrong {sorted(found - want)} missed {sorted(want - found)}")
    return right, wrong, expected


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--show", action="store_true", help="print each report's differences")
    parser.add_argument("--part", choices=("tuned", "held_out"), help="measure one part only")
    parser.add_argument("--per-fact", action="store_true", help="precision and recall per fact")
    args = parser.parse_args()
    ok = True
    for part in [args.part] if args.part else ["tuned", "held_out"]:
        start = time.perf_counter()
        tally: Tally = {}
        right, wrong, expected = measure(part, args.show and part == "tuned", tally)
        count = len(list((FOLDER / part).glob("*.txt")))
        seconds = time.perf_counter() - start
        precision = right / (right + wrong) if right + wrong else 1.0
        recall = right / expected if expected else 1.0
        print(
            f"{part:9} {count:3} reports  facts expected {expected:3}  right {right:3}  "
            f"wrong {wrong:2}  precision {precision:6.1%}  recall {recall:6.1%}  "
            f"({count / seconds:,.0f} documents/s)"
        )
        if args.per_fact:
            print_per_fact(tally)
        ok &= precision >= 0.98
    print("target: precision >= 98% on each part")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
