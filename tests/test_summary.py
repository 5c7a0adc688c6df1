"""The clinical summary's TNM rows: a series of stagings, the newest pathologic first, each
value with the records it was read from."""

from __future__ import annotations

import datetime as dt

from packet.models import Category, DocumentOut, DocumentStatus, Fact, FactKind, FileKind
from packet.summary import clinical_summary


def _doc(path: str, category: Category, day: str | None, *tnm: str) -> DocumentOut:
    return DocumentOut(
        path=path,
        kind=FileKind.PDF,
        category=category,
        date=dt.date.fromisoformat(day) if day else None,
        title=path,
        pages=1,
        status=DocumentStatus.INCLUDED,
        reason="",
        duplicate_of=None,
        evidence=[],
        facts=[Fact(kind=FactKind.TNM, value=value, quote=value) for value in tnm],
    )


def staging(*documents: DocumentOut) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    facts = clinical_summary(list(documents), [], []).facts
    return [
        (f.label, [(v.value, [s.path for s in v.sources]) for v in f.values])
        for f in facts
        if f.kind is FactKind.TNM
    ]


def test_a_pathology_reports_yptnm_row_comes_above_a_notes_ptnm_which_cites_the_note() -> None:
    rows = staging(
        _doc("consult.pdf", Category.CLINIC_NOTES, "2026-02-20", "cT2 cN1"),
        _doc("progress note.xml", Category.HOSPITAL, "2026-10-01", "pT2 pN1a"),
        _doc("lumpectomy.pdf", Category.PATHOLOGY, "2026-09-15", "ypT1c ypN1a"),
    )
    assert rows == [
        ("TNM, post-therapy pathologic (ypTNM)", [("ypT1c ypN1a", ["lumpectomy.pdf"])]),
        ("TNM, pathologic (pTNM)", [("pT2 pN1a", ["progress note.xml"])]),
        ("TNM, clinical (cTNM)", [("cT2 cN1", ["consult.pdf"])]),
    ]


def test_the_rows_run_from_recurrence_to_clinical_then_the_unprefixed() -> None:
    rows = staging(
        _doc("a.pdf", Category.CLINIC_NOTES, "2026-01-01", "T2 N1 M0", "cT2 cN1", "ycT1 ycN0"),
        _doc("b.pdf", Category.PATHOLOGY, "2026-02-01", "pT2 pN0", "ypT1 ypN0", "rpT1 pN0"),
    )
    assert [label for label, _ in rows] == [
        "TNM, recurrence (rTNM)",
        "TNM, post-therapy pathologic (ypTNM)",
        "TNM, pathologic (pTNM)",
        "TNM, post-therapy clinical (ycTNM)",
        "TNM, clinical (cTNM)",
        "TNM",
    ]


def test_in_a_row_a_pathology_reports_value_leads_then_the_newest_record() -> None:
    rows = staging(
        _doc("old note.pdf", Category.CLINIC_NOTES, "2026-03-01", "pT1c pN0"),
        _doc("new note.pdf", Category.CLINIC_NOTES, "2026-06-01", "pT2 pN0"),
        _doc("undated note.pdf", Category.CLINIC_NOTES, None, "pT3 pN0"),
        _doc("resection.pdf", Category.PATHOLOGY, "2026-02-01", "pT2 pN1a"),
        _doc("repeat.pdf", Category.CLINIC_NOTES, "2026-07-01", "pT2 pN1a"),
    )
    ((_, values),) = rows
    assert values == [
        ("pT2 pN1a", ["resection.pdf", "repeat.pdf"]),
        ("pT2 pN0", ["new note.pdf"]),
        ("pT1c pN0", ["old note.pdf"]),
        ("pT3 pN0", ["undated note.pdf"]),
    ]


def test_staging_of_different_kinds_is_a_series_not_a_disagreement() -> None:
    facts = clinical_summary(
        [
            _doc("a.pdf", Category.CLINIC_NOTES, "2026-01-01", "cT2 cN1"),
            _doc("b.pdf", Category.PATHOLOGY, "2026-05-01", "ypT1c ypN1a"),
        ],
        [],
        [],
    ).facts
    assert not any(f.differ for f in facts if f.kind is FactKind.TNM)


def test_two_records_giving_different_pathologic_staging_disagree() -> None:
    facts = clinical_summary(
        [
            _doc("a.pdf", Category.PATHOLOGY, "2026-01-01", "pT2 pN0"),
            _doc("b.pdf", Category.PATHOLOGY, "2026-05-01", "pT3 pN1a"),
        ],
        [],
        [],
    ).facts
    [row] = [f for f in facts if f.kind is FactKind.TNM]
    assert row.differ and [v.value for v in row.values] == ["pT3 pN1a", "pT2 pN0"]


def test_no_staging_found_is_one_plain_tnm_row_without_values() -> None:
    assert staging(_doc("a.pdf", Category.PATHOLOGY, "2026-01-01")) == [("TNM", [])]
