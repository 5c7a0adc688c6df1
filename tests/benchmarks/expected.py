"""The expected results each cancer's workup asks for, measured on authored records.

    python tests/benchmarks/expected.py [--part tuned|held_out] [--show]

tests/expected/held_out/ is written before the readers are next changed and is never tuned on (the first set, h*, was measured once and then moved to tuned/);
tests/expected/tuned/ is what they were tuned on. Each `.txt` is one record (pages separated by
a line `\\f`), its `.toml` the family's diagnosis (optional), the cancer the table should apply
(`cancer`, "" when the table does not cover it), the expected results the record states
(`found`), those it says are to come (`pending`), and those that may be either
(`found_or_pending`). Prints, for each part: the cancers named right; the stated results
recognised as found (target >= 98%); the stated results asked about all the same (target 0);
the pending ones shown pending or found; and the results found that the labels do not list.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

from packet.expected import assess
from packet.facts import extract
from packet.models import Category, DocumentOut, DocumentStatus, ExpectedStatus, FileKind
from packet.summary import clinical_summary
from packet.workup import pending_results, stated_diagnoses

FOLDER = Path(__file__).resolve().parents[1] / "expected"


def pages_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").replace("\\f", "\f").split("\f")


def record(path: Path) -> DocumentOut:
    pages = pages_of(path)
    return DocumentOut(
        path=path.name,
        kind=FileKind.TEXT,
        category=Category.PATHOLOGY,
        date=None,
        title=path.stem,
        pages=len(pages),
        status=DocumentStatus.INCLUDED,
        reason="",
        duplicate_of=None,
        evidence=[],
        filed_by_content=True,
        facts=extract(pages),
        pending=pending_results(pages),
        diagnoses=stated_diagnoses(pages),
    )


def measure(part: str, show: bool) -> dict[str, int]:
    n = dict.fromkeys(
        ("cases", "named", "stated", "found", "asked", "pending", "waited", "unlisted"), 0
    )
    for path in sorted((FOLDER / part).glob("*.txt")):
        want = tomllib.loads(path.with_suffix(".toml").read_text(encoding="utf-8"))
        doc = record(path)
        summary = clinical_summary([doc], [], [], want.get("diagnosis", ""))
        cancers = assess(summary.facts, [doc], want.get("diagnosis", ""))
        named = [c.id for c in cancers if c.covered]
        n["cases"] += 1
        right = named == ([want["cancer"]] if want["cancer"] else [])
        n["named"] += right
        status = {r.id: r.status for c in cancers for r in c.results}
        stated = set(want.get("found", [])) | set(want.get("found_or_pending", []))
        either = set(want.get("found_or_pending", []))
        waiting = set(want.get("pending", [])) - either
        missed = []
        for result in sorted(stated):
            got = status.get(result)
            n["stated"] += 1
            ok = got is ExpectedStatus.FOUND or (result in either and got is ExpectedStatus.PENDING)
            n["found"] += ok
            n["asked"] += got is ExpectedStatus.NOT_FOUND
            if not ok:
                missed.append(f"{result}={got.value if got else 'absent'}")
        for result in sorted(waiting):
            got = status.get(result)
            n["pending"] += 1
            n["waited"] += got in (ExpectedStatus.PENDING, ExpectedStatus.FOUND)
            if got not in (ExpectedStatus.PENDING, ExpectedStatus.FOUND):
                missed.append(f"{result} pending={got.value if got else 'absent'}")
        unlisted = [
            r for r, s in status.items() if s is ExpectedStatus.FOUND and r not in stated | waiting
        ]
        n["unlisted"] += len(unlisted)
        if show and (missed or unlisted or not right):
            print(f"  {path.name}: named {named} missed {missed} unlisted {unlisted}")
    return n


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--show", action="store_true", help="print each record's differences")
    parser.add_argument("--part", choices=("tuned", "held_out"), help="measure one part only")
    args = parser.parse_args()
    ok = True
    for part in [args.part] if args.part else ["tuned", "held_out"]:
        n = measure(part, args.show)
        share = 100 * n["found"] / n["stated"] if n["stated"] else 100.0
        print(
            f"{part:9} {n['cases']:3} records  cancer named right {n['named']}/{n['cases']}  "
            f"stated results found {n['found']}/{n['stated']} ({share:.1f}%)  "
            f"stated but asked {n['asked']}  pending shown {n['waited']}/{n['pending']}  "
            f"found but not listed {n['unlisted']}"
        )
        ok = ok and share >= 98 and n["asked"] == 0
    print("target: stated results found >= 98%, none asked about")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
