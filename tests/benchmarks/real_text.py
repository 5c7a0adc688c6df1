"""Reading measured on real clinical text nobody here wrote: MTSamples (mtsamples.com), CC0.

    python tests/benchmarks/real_text.py [--corpus ../shared/corpora/mtsamples-dev.csv]
                                         [--text] [--tune-only] [--show N]

Takes the transcriptions whose specialty label is a document type (Surgery, Radiology,
Discharge Summary, Emergency Room Reports, Consult - History and Phy., SOAP / Chart / Progress
Notes, Office Notes, Letters), one per distinct text, restores the line breaks the corpus
flattened into commas ("EXAM:,MRI ...,IMPRESSION:,..."), renders each as a PDF under a name that
says nothing (scan0001.pdf, ...) and reads the folder with `packet check`'s own code. The texts
are split for good by a hash of their note id: one part in five is held out, to be measured and
never tuned on (`--tune-only` and `--show` never look at it).

Prints, for each part: category accuracy (a letter filed as `other`, an ER note as `hospital`
or `clinic_notes` count as right), accuracy by label, defective titles (a trailing section
label or leading punctuation; "Document" counted apart), and documents given a date. MTSamples
texts carry no real dates (they are scrubbed), so every date taken from them is counted as
wrong: an upper bound. `--text` reads the texts directly instead of rendered PDFs (faster).
tests/test_reading_accuracy.py asserts floors on the same figures when the corpus is present.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import re
import sys
import tempfile
import textwrap
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

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
# What a contents list must never show: a section label at the end, punctuation at the start.
DEFECTIVE_TITLE = re.compile(r"^[\W_]|:\s*$|\b[A-Z][A-Z /&()-]{2,}:\s*\S*$")
TODAY = dt.date(2026, 11, 22)


def restore_lines(flat: str) -> str:
    """The corpus wrote each line break as a comma: section labels and list items start lines."""
    return "\n".join(line.strip() for line in LINE_BREAK.split(flat))


def held_out(note_id: str) -> bool:
    return int(hashlib.sha256(note_id.encode()).hexdigest(), 16) % 5 == 0


@dataclass(frozen=True)
class RealDocument:
    note: str
    text: str
    accepted: frozenset[Category]

    @property
    def label(self) -> str:
        return "/".join(sorted(c.value for c in self.accepted))


def load(corpus: Path) -> list[RealDocument]:
    """One document per distinct transcription, with every category its labels accept."""
    texts: dict[str, tuple[str, set[Category]]] = {}
    with corpus.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            label = row["medical_specialty"].strip()
            flat = row["transcription"].strip()
            if label not in LABELS or len(flat) < 100:
                continue
            note, accepted = texts.get(flat, (row["note_id"], set()))
            texts[flat] = (note, accepted | LABELS[label])
    return [
        RealDocument(note, restore_lines(flat), frozenset(accepted))
        for flat, (note, accepted) in texts.items()
    ]


def split(documents: list[RealDocument]) -> dict[str, list[RealDocument]]:
    parts: dict[str, list[RealDocument]] = {"tuned on": [], "held out": []}
    for doc in documents:
        parts["held out" if held_out(doc.note) else "tuned on"].append(doc)
    return parts


def write_pdf(path: Path, text: str) -> None:
    """The text as a portal printout has it: lines wrapped to the page, as many pages as needed."""
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    y = 750.0
    for line in text.splitlines():
        for piece in textwrap.wrap(line, 105) or [""]:
            if y < 50:
                c.showPage()
                y = 750.0
            c.setFont("Helvetica", 9)
            c.drawString(40, y, piece)
            y -= 12
    c.showPage()
    c.save()


@dataclass
class Reading:
    """What packet made of one document."""

    doc: RealDocument
    category: Category
    title: str
    dated: bool

    @property
    def right(self) -> bool:
        return self.category in self.doc.accepted


@dataclass
class Figures:
    readings: list[Reading] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def accuracy(self) -> float:
        return sum(r.right for r in self.readings) / len(self.readings)

    @property
    def defective_titles(self) -> list[str]:
        return [r.title for r in self.readings if DEFECTIVE_TITLE.search(r.title)]

    @property
    def dated_rate(self) -> float:
        return sum(r.dated for r in self.readings) / len(self.readings)


def read_texts(documents: list[RealDocument]) -> Figures:
    """The texts read directly, as packet reads a record's text."""
    figures = Figures()
    started = time.perf_counter()
    for doc in documents:
        found = classify(doc.text, "scan0001.pdf")
        title = make_title(found.category, found.heading, doc.text, "scan0001.pdf")
        dated = clinical_date(doc.text, DateOrder.MONTH_FIRST, None, TODAY) is not None
        figures.readings.append(Reading(doc, found.category, title, dated))
    figures.seconds = time.perf_counter() - started
    return figures


def read_pdfs(documents: list[RealDocument], folder: Path) -> Figures:
    """The texts rendered as PDFs with names that say nothing, read by `packet check`."""
    from packet.check import check_folder

    folder.mkdir(parents=True, exist_ok=True)
    by_name = {}
    for n, doc in enumerate(documents, start=1):
        name = f"scan{n:04d}.pdf"
        write_pdf(folder / name, doc.text)
        by_name[name] = doc
    started = time.perf_counter()
    report, _ = check_folder(folder, today=TODAY, ocr=False)
    figures = Figures(seconds=time.perf_counter() - started)
    for found in report.documents:
        doc = by_name[found.path]
        figures.readings.append(Reading(doc, found.category, found.title, found.date is not None))
    return figures


def show(part: str, figures: Figures) -> None:
    rows = figures.readings
    n = len(rows)
    documents = sum(1 for r in rows if r.title == "Document")
    print(f"\n{part}: {n} documents, {n / figures.seconds:.0f} documents/s")
    print(f"  category right    {figures.accuracy:.1%}")
    print(f"  titles defective  {len(figures.defective_titles)}  ('Document': {documents})")
    print(f"  given a date      {sum(r.dated for r in rows)} ({figures.dated_rate:.1%})"
          "  (the texts hold no real dates: an upper bound on wrong dates)")  # fmt: skip
    by_label: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        by_label[r.doc.label]["right" if r.right else r.category.value] += 1
    for label, counts in sorted(by_label.items()):
        total = sum(counts.values())
        wrong = ", ".join(f"{c} {k}" for k, c in counts.most_common() if k != "right")
        print(f"    {label:<34} {counts['right']:4}/{total:<4} {wrong}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--text", action="store_true", help="read texts, not rendered PDFs")
    parser.add_argument("--tune-only", action="store_true", help="measure the tuned-on part only")
    parser.add_argument("--show", type=int, default=0, help="print N misfiled tuned-on openings")
    args = parser.parse_args()
    if not args.corpus.exists():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    parts = split(load(args.corpus))
    print("Real clinical text: MTSamples (mtsamples.com), CC0, document-type labels only")
    results: dict[str, Figures] = {}
    with tempfile.TemporaryDirectory(prefix="packet-real-") as tmp:
        for part, documents in parts.items():
            if args.tune_only and part == "held out":
                continue
            if args.text:
                results[part] = read_texts(documents)
            else:
                results[part] = read_pdfs(documents, Path(tmp) / part.replace(" ", "-"))
            show(part, results[part])
    tuned = results["tuned on"]
    for title in tuned.defective_titles[:10]:
        print(f"  defective title: {title!r}")
    misses = [r for r in tuned.readings if not r.right][: args.show]
    for r in misses:
        print(f"[{r.doc.label} -> {r.category.value}] {r.doc.text[:160]!r}")
    print("\ntargets (held out): category >= 92%, no defective title, given a date <= 2%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
