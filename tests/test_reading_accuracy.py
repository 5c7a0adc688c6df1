"""Floors on how well packet reads records, measured on the labelled corpus (tests/corpus.py);
tests/benchmarks/reading.py prints the same figures in full. Raise a floor when reading
improves; never lower one to make a change pass."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from corpus import make_corpus, write_corpus

from packet import ocr

sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
from reading import evaluate


@pytest.fixture(scope="module")
def corpus_figures(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    samples = make_corpus()
    folder = tmp_path_factory.mktemp("corpus")
    return evaluate(folder, write_corpus(folder, samples)), samples


def test_the_corpus_is_large_varied_and_mostly_anonymous() -> None:
    samples = make_corpus()
    assert len(samples) >= 150
    assert {s.category for s in samples} == {
        "pathology", "biomarkers", "imaging", "operative", "treatment", "clinic_notes", "hospital",
        "labs", "medications", "other", "administrative",
    }  # fmt: skip
    anonymous = [s for s in samples if not any(w in s.name.lower() for w in s.kind.lower().split())]
    assert len(anonymous) >= len(samples) / 2


def test_category_accuracy_on_documents_with_text(corpus_figures) -> None:  # type: ignore[no-untyped-def]
    figures, _ = corpus_figures
    assert figures.category_accuracy >= 0.97, figures.misses
    for category, (right, total) in figures.per_category.items():
        assert right / total >= 0.9, (category, figures.misses)


def test_clinical_dates_are_found_and_wrong_dates_are_rare(corpus_figures) -> None:  # type: ignore[no-untyped-def]
    figures, _ = corpus_figures
    assert figures.date_exact_rate >= 0.95, figures.misses
    assert figures.wrong_date_rate <= 0.01, figures.misses
    assert figures.birth_dates == 0


@pytest.mark.skipif(not ocr.available(), reason="Tesseract is not installed")
def test_ocr_reads_scanned_pages_well_enough_to_file_them(tmp_path: Path) -> None:
    samples = make_corpus()[::12]  # one of each kind in turn, 16 pages
    folder = tmp_path / "scanned"
    figures = evaluate(folder, write_corpus(folder, samples, scanned=True), ocr=True)
    assert figures.category_accuracy >= 0.90, figures.misses
    assert figures.wrong_date_rate <= 0.05, figures.misses
    assert figures.birth_dates == 0


def test_without_ocr_scans_are_counted_and_the_fix_says_how(tmp_path: Path) -> None:
    from packet.check import check_folder
    from packet.models import ProblemKind

    folder = tmp_path / "scanned"
    write_corpus(folder, make_corpus()[:3], scanned=True)
    report, _ = check_folder(folder)
    [problem] = [p for p in report.problems if p.kind is ProblemKind.NO_TEXT]
    assert problem.message.startswith("3 document(s)")
    assert "--ocr" in problem.fix
