"""Reading measured on real clinical text nobody here wrote: MTSamples (mtsamples.com), CC0.

    python tests/benchmarks/real_text.py [--corpus ../shared/corpora/mtsamples-dev.csv] [--show N]

Takes the transcriptions whose specialty label is a document type (Surgery, Radiology,
Discharge Summary, Emergency Room Reports, Consult - History and Phy., SOAP / Chart / Progress
Notes, Office Notes, Letters), one per distinct text, restores the line breaks the corpus
flattened into commas ("EXAM:,MRI ...,IMPRESSION:,..."), and reads each as packet reads a
record's text under a name that says nothing (scan0001.pdf). The texts are split for good by a
hash of their note id: one part in five is held out, to be measured and never tuned on.

Prints, for each part: category accuracy (a letter filed as `other`, an ER note as `hospital`
or `clinic_notes` count as right), accuracy by label, titles that are defective (a trailing
section label, leading punctuation, "Document"), and documents given a date. MTSamples texts
carry no real dates (they are scrubbed), so every date taken from them came from a narrative,
a comparison or an appointment: that count is an upper bound on wrong dates. The text is read
directly, not through a rendered PDF; PDF text extraction is measured by reading.py.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from packet.classify import classify, make_title
from packet.dates import DateOrder, clinical_date
from packet.models import Category

C = Category
LABELS: dict[str, set[Category]] = {
    "Surgery": {C.OPERATIVE},
    "Radiology": {C.IMAGING},
    "Discharge Summary": {C.HOSPITAL},
    "Emergency Room Reports": {C.HOSPITAL, C.CLINIC_NOTES},
    "Consult - History and Phy.": {C.CLINIC_NOTES},
    "SOAP / Chart / Progress Notes": {C.CLINIC_NOTES},
    "Office Notes": {C.CLINIC_NOTES},
    "Letters": {C.CLINIC_NOTES, C.OTHER},
}
DEFAULT_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "mtsamples-dev.csv"
# A comma the corpus put for a line break: right after a label's colon or a sentence's end,
# before anything but a space (prose writes ", "; "1,000" stays), or before two spaces.
LINE_BREAK = re.compile(r"(?<=[:.])\s*,\s*|,(?=[^\s\d])|(?<=\D),(?=\d)|,\s{2,}")
BAD_TITLE = re.compile(r"^[\W_]|:\s*$|^document$", re.IGNORECASE)


def restore_lines(flat: str) -> str:
    """The corpus wrote each line break as a comma: section labels and list items start lines."""
    return "\n".join(line.strip() for line in LINE_BREAK.split(flat))


def held_out(note_id: str) -> bool:
    return int(hashlib.sha256(note_id.encode()).hexdigest(), 16) % 5 == 0


def load(corpus: Path) -> list[tuple[str, str, set[Category]]]:
    """(note id, text, acceptable categories), one per distinct transcription."""
    texts: dict[str, tuple[str, set[Category]]] = {}
    with corpus.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            label = row["medical_specialty"].strip()
            flat = row["transcription"].strip()
            if label not in LABELS or len(flat) < 100:
                continue
            note, accepted = texts.get(flat, (row["note_id"], set()))
            texts[flat] = (note, accepted | LABELS[label])
    return [(note, restore_lines(flat), accepted) for flat, (note, accepted) in texts.items()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--show", type=int, default=0, help="print N misfiled tuned-on openings")
    parser.add_argument("--tune-only", action="store_true", help="measure the tuned-on part only")
    args = parser.parse_args()
    if not args.corpus.exists():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    documents = load(args.corpus)
    today = dt.date(2026, 11, 22)
    results: dict[str, list[tuple[bool, bool, bool, str, str]]] = defaultdict(list)
    by_label: dict[str, Counter[str]] = defaultdict(Counter)
    misses: list[str] = []
    start = time.perf_counter()
    for note, text, accepted in documents:
        found = classify(text, "scan0001.pdf")
        title = make_title(found.category, found.heading, text, "scan0001.pdf")
        dated = clinical_date(text, DateOrder.MONTH_FIRST, None, today) is not None
        right = found.category in accepted
        part = "held out" if held_out(note) else "tuned on"
        if args.tune_only and part == "held out":
            continue
        label = "/".join(sorted(c.value for c in accepted))
        results[part].append((right, bool(BAD_TITLE.search(title)), dated, label, title))
        by_label[f"{part}: {label}"]["right" if right else found.category.value] += 1
        if not right and part == "tuned on" and len(misses) < args.show:
            misses.append(f"[{label} -> {found.category.value}] {text[:160]!r}")
    took = time.perf_counter() - start
    print("Real clinical text: MTSamples (mtsamples.com), CC0, document-type labels only")
    for part in ("tuned on", "held out"):
        rows = results[part]
        if not rows:
            continue
        n = len(rows)
        print(f"\n{part}: {n} documents")
        print(f"  category right   {sum(r[0] for r in rows) / n:.1%}")
        print(f"  titles defective {sum(r[1] for r in rows)} ({sum(r[1] for r in rows) / n:.1%})")
        print(f"  given a date     {sum(r[2] for r in rows)} ({sum(r[2] for r in rows) / n:.1%})"
              "  (the texts hold no real dates: an upper bound on wrong dates)")  # fmt: skip
        for key in sorted(k for k in by_label if k.startswith(part)):
            counts = by_label[key]
            total = sum(counts.values())
            wrong = ", ".join(f"{c} {k}" for k, c in counts.most_common() if k != "right")
            print(f"    {key[len(part) + 2 :]:<24} {counts['right']}/{total}  {wrong}")
    print(f"\nspeed: {len(documents) / took:.0f} documents/s (classification, title, date)")
    for miss in misses:
        print(miss)
    return 0


if __name__ == "__main__":
    sys.exit(main())
