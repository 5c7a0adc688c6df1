"""How well packet reads records: category accuracy (overall and per category), clinical-date
exact matches, wrong dates, documents per second — on the labelled corpus of tests/corpus.py.

    python tests/benchmarks/reading.py [--count 246] [--ocr N] [--readers]

`--ocr N` scans N of the documents into images without text and reads them with Tesseract
(by default one of each kind, when Tesseract is installed), and prints OCR documents/s. tests/test_reading_accuracy.py asserts floors on the same figures.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus import Sample, make_corpus, write_corpus

from packet import ocr
from packet.check import check_folder


@dataclass
class Figures:
    documents: int = 0
    category_right: int = 0
    dated: int = 0  # documents whose label has a date
    date_exact: int = 0
    wrong_dates: int = 0  # a date given that is not the label's (a wrong date is worse than none)
    birth_dates: int = 0  # a birth date given as the clinical date: must stay 0
    seconds: float = 0.0
    per_category: dict[str, list[int]] = field(default_factory=dict)  # category -> [right, total]
    titles: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    @property
    def category_accuracy(self) -> float:
        return self.category_right / self.documents

    @property
    def date_exact_rate(self) -> float:
        return self.date_exact / self.dated

    @property
    def wrong_date_rate(self) -> float:
        return self.wrong_dates / self.documents


def evaluate(folder: Path, labels: dict[str, Sample], ocr: bool = False) -> Figures:
    started = time.perf_counter()
    report, _ = check_folder(folder, ocr=ocr)
    figures = Figures(seconds=time.perf_counter() - started)
    for doc in report.documents:
        label = labels.get(doc.path)
        if label is None:
            continue
        figures.documents += 1
        figures.titles.append(doc.title)
        right = doc.category.value == label.category
        figures.category_right += right
        tally = figures.per_category.setdefault(label.category, [0, 0])
        tally[0] += right
        tally[1] += 1
        if label.date is not None:
            figures.dated += 1
            figures.date_exact += doc.date == label.date
        if doc.date is not None and doc.date != label.date:
            figures.wrong_dates += 1
        if doc.date is not None and doc.date == label.birth:
            figures.birth_dates += 1
        if not right or doc.date != label.date:
            figures.misses.append(
                f"{label.kind:22} {doc.path:28} category {doc.category.value}/{label.category} "
                f"date {doc.date}/{label.date}"
            )
    return figures


def show(title: str, f: Figures) -> None:
    print(
        f"\n{title}: {f.documents} documents in {f.seconds:.2f} s ({f.documents / f.seconds:.0f} documents/s)"
    )
    print(f"  category accuracy   {f.category_accuracy:6.1%}")
    for category, (right, total) in sorted(f.per_category.items()):
        print(f"    {category:14} {right:3}/{total:<3} {right / total:6.1%}")
    print(
        f"  clinical date exact {f.date_exact_rate:6.1%}  ({f.date_exact}/{f.dated} dated documents)"
    )
    print(f"  wrong dates         {f.wrong_date_rate:6.1%}  ({f.wrong_dates}/{f.documents})")
    print(f"  birth date as date  {f.birth_dates}")
    kinds = Counter(m.split()[0] for m in f.misses)
    if f.misses:
        print("  misses:")
        for miss in f.misses[:25]:
            print("   ", miss)
        if len(f.misses) > 25:
            print(f"    … {len(f.misses) - 25} more ({dict(kinds)})")


def compare_readers(folder: Path) -> None:
    """The text of the first two pages of every document, by pypdf and by pypdfium2 (PDFium)."""
    import pypdfium2 as pdfium
    from pypdf import PdfReader

    paths = sorted(folder.glob("*.pdf"))
    started = time.perf_counter()
    for path in paths:
        reader = PdfReader(path)
        for page in reader.pages[:2]:
            page.extract_text()
    pypdf_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for path in paths:
        document = pdfium.PdfDocument(str(path))
        for index in range(min(2, len(document))):
            document[index].get_textpage().get_text_range()
        document.close()
    pdfium_seconds = time.perf_counter() - started
    print(f"\nText of the first two pages of {len(paths)} documents:")
    print(f"  pypdf extract_text   {pypdf_seconds:.2f} s")
    print(
        f"  pypdfium2 (PDFium)   {pdfium_seconds:.2f} s   ({pypdf_seconds / pdfium_seconds:.1f}x faster)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=246)
    parser.add_argument(
        "--ocr",
        type=int,
        default=41 if ocr.available() else 0,
        help="also scan N documents and read them with OCR (default: one of each kind, 41, "
        "when Tesseract is installed)",
    )
    parser.add_argument("--readers", action="store_true", help="also time pypdf against pypdfium2")
    args = parser.parse_args()
    samples = make_corpus(args.count)
    with tempfile.TemporaryDirectory(prefix="packet-corpus-") as tmp:
        labels = write_corpus(Path(tmp) / "text", samples)
        show("Documents with text", evaluate(Path(tmp) / "text", labels))
        if args.readers:
            compare_readers(Path(tmp) / "text")
        if args.ocr:
            scanned = write_corpus(Path(tmp) / "scanned", samples[: args.ocr], scanned=True)
            show(
                "Scanned pages without text, read by OCR",
                evaluate(Path(tmp) / "scanned", scanned, ocr=True),
            )
    print(
        "\ntargets: category >= 97%, date exact >= 95%, wrong dates <= 1%, birth dates 0; OCR category >= 90%"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
