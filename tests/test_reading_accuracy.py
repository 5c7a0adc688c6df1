"""Floors on how well packet reads records, measured on the labelled corpus (tests/corpus.py)
and, when it is present beside the project (../shared/corpora), on real clinical text
(MTSamples, CC0); tests/benchmarks/reading.py and real_text.py print the same figures in full.
Raise a floor when reading improves; never lower one to make a change pass."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from corpus import make_corpus, write_corpus

from packet import ocr

sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
from reading import evaluate
from real_text import DEFAULT_CORPUS, DEFECTIVE_TITLE, Figures, load, read_texts, split


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


def test_titles_never_end_with_a_label_or_start_with_punctuation(corpus_figures) -> None:  # type: ignore[no-untyped-def]
    figures, _ = corpus_figures
    assert [t for t in figures.titles if DEFECTIVE_TITLE.search(t)] == []
    assert "Document" not in figures.titles


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


def test_without_ocr_scans_are_counted_and_the_fix_says_how(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from packet.check import check_folder
    from packet.models import ProblemKind

    folder = tmp_path / "scanned"
    write_corpus(folder, make_corpus()[:3], scanned=True)
    report, _ = check_folder(folder, ocr=False)
    [problem] = [p for p in report.problems if p.kind is ProblemKind.NO_TEXT]
    assert problem.message.startswith("3 documents are scanned pages or photos")
    if ocr.available():
        assert "without --no-ocr" in problem.fix
    # Without Tesseract, the default reads what it can and says how to get Tesseract.
    monkeypatch.setattr(ocr, "available", lambda: False)
    report, _ = check_folder(folder, ocr=None)
    [problem] = [p for p in report.problems if p.kind is ProblemKind.NO_TEXT]
    assert "not installed" in problem.fix and "apt install tesseract-ocr" in problem.fix


@pytest.mark.skipif(not ocr.available(), reason="Tesseract is not installed")
def test_ocr_is_on_by_default_when_tesseract_is_installed(tmp_path: Path) -> None:
    from packet.check import check_folder

    folder = tmp_path / "scanned"
    samples = make_corpus()[:2]
    labels = write_corpus(folder, samples, scanned=True)
    report, _ = check_folder(folder, ocr=None)
    for doc in report.documents:
        assert doc.category.value == labels[doc.path].category
        assert any(e.startswith("OCR text") for e in doc.evidence), doc.evidence


# --- real clinical text: MTSamples (mtsamples.com), CC0, kept outside the repository ----------


HELD_OUT_FLOOR = 0.92  # the target; measured 93.2% on the part never tuned on


@pytest.fixture(scope="module")
def real_text() -> dict[str, Figures]:
    if not DEFAULT_CORPUS.exists():
        pytest.skip(f"the real-text corpus is not at {DEFAULT_CORPUS}")
    return {part: read_texts(documents) for part, documents in split(load(DEFAULT_CORPUS)).items()}


def test_real_text_is_filed_in_the_right_category(real_text: dict[str, Figures]) -> None:
    assert real_text["tuned on"].accuracy >= 0.93
    assert real_text["held out"].accuracy >= HELD_OUT_FLOOR


def test_real_text_titles_are_never_defective(real_text: dict[str, Figures]) -> None:
    for figures in real_text.values():
        assert figures.defective_titles == []


def test_real_text_dates_are_not_taken_from_the_story(real_text: dict[str, Figures]) -> None:
    # The texts hold no real dates: every date given is a wrong one.
    for figures in real_text.values():
        assert figures.dated_rate <= 0.02
