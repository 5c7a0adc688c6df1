"""`packet check` end to end on a messy folder: every file accounted for, nothing invented,
nothing touched."""

from __future__ import annotations

from pathlib import Path

import pytest

from packet.check import check_folder
from packet.models import Category, DocumentStatus, FactKind, ItemStatus, ProblemKind, Report

from conftest import CONSULT_TEXT, fingerprint, make_pdf, records_folder


def by_path(report: Report) -> dict[str, object]:
    return {d.path: d for d in report.documents}


def test_every_file_is_included_excluded_or_ignored(messy_folder: Path) -> None:
    report, _ = check_folder(messy_folder)
    accounted = (
        {d.path for d in report.documents}
        | {i.path for i in report.ignored}
        | {c.path for c in report.caregiver_files}
    )
    on_disk = {
        p.relative_to(messy_folder).as_posix() for p in messy_folder.rglob("*") if p.is_file()
    }
    ignored_dirs = {i.path for i in report.ignored if i.path.endswith("/")}
    unaccounted = {p for p in on_disk - accounted if not any(p.startswith(d) for d in ignored_dirs)}
    assert unaccounted == set()


def test_text_documents_land_in_the_right_category_whatever_their_names(messy_folder: Path) -> None:
    report, _ = check_folder(messy_folder)
    docs = {d.path: d for d in report.documents}
    assert docs["Path reports/scan0001.pdf"].category is Category.PATHOLOGY
    assert docs["Radiology/Document (3).pdf"].category is Category.IMAGING
    assert docs["Doctor visits/MyChart - Visit Summary.pdf"].category is Category.CLINIC_NOTES
    assert docs["Radiology/MAMMO DX BILAT 2-3-26.pdf"].category is Category.IMAGING
    assert docs["loose page.pdf"].category is Category.OTHER


def test_clinical_dates_come_from_service_labels_and_are_never_invented(messy_folder: Path) -> None:
    report, _ = check_folder(messy_folder)
    docs = {d.path: d for d in report.documents}
    assert str(docs["Path reports/scan0001.pdf"].date) == "2026-02-10"  # not signed 02/13, not DOB
    assert str(docs["Radiology/Document (3).pdf"].date) == "2026-03-04"  # not the comparison exam
    assert str(docs["Doctor visits/MyChart - Visit Summary.pdf"].date) == "2026-02-18"
    assert str(docs["Radiology/MAMMO DX BILAT 2-3-26.pdf"].date) == "2026-02-03"  # from its name
    assert docs["scan0002.pdf"].date is None
    assert docs["IMG_4431.JPG"].date is None
    assert docs["loose page.pdf"].date is None
    for doc in report.documents:
        assert str(doc.date) != "1961-04-02"


def test_identical_files_are_counted_once_keeping_the_better_name(messy_folder: Path) -> None:
    report, _ = check_folder(messy_folder)
    docs = {d.path: d for d in report.documents}
    duplicate = docs["Downloads/Document (3) copy.pdf"]
    assert duplicate.status is DocumentStatus.DUPLICATE
    assert duplicate.duplicate_of == "Radiology/Document (3).pdf"
    assert docs["Radiology/Document (3).pdf"].status is DocumentStatus.INCLUDED


def test_files_of_the_same_size_are_copies_only_when_their_bytes_match(tmp_path: Path) -> None:
    # Only files of one size are hashed; two different notes that happen to have the same
    # size must both stay, and a third, identical to the first, is the only duplicate.
    root = tmp_path / "r"
    root.mkdir()
    (root / "note a.txt").write_text("Progress note. Date of service: 03/04/2026. Well.\n")
    (root / "note b.txt").write_text("Progress note. Date of service: 03/05/2026. Well.\n")
    (root / "note a (1).txt").write_text("Progress note. Date of service: 03/04/2026. Well.\n")
    (root / "other size.txt").write_text("Progress note. Date of service: 03/06/2026.\n")
    # Long files that begin and end alike and differ only in the middle are not copies.
    filler = "Clinic note, continued.\n" * 8000
    (root / "long 1.txt").write_text(filler + "Plan: scan in May.\n" + filler)
    (root / "long 2.txt").write_text(filler + "Plan: scan in Jun.\n" + filler)
    report, _ = check_folder(root)
    status = {d.path: (d.status, d.duplicate_of) for d in report.documents}
    assert status == {
        "note a.txt": (DocumentStatus.INCLUDED, None),
        "note b.txt": (DocumentStatus.INCLUDED, None),
        "note a (1).txt": (DocumentStatus.DUPLICATE, "note a.txt"),
        "other size.txt": (DocumentStatus.INCLUDED, None),
        "long 1.txt": (DocumentStatus.INCLUDED, None),
        "long 2.txt": (DocumentStatus.INCLUDED, None),
    }


def test_broken_files_are_excluded_with_a_problem_and_a_fix(messy_folder: Path) -> None:
    report, _ = check_folder(messy_folder)
    docs = {d.path: d for d in report.documents}
    problems = {p.path: p for p in report.problems}
    expected = {
        "empty.pdf": ProblemKind.EMPTY_FILE,
        "portal-error.pdf": ProblemKind.NOT_A_PDF,
        "half-downloaded.pdf": ProblemKind.CORRUPT_PDF,
        "Locked results.pdf": ProblemKind.LOCKED_PDF,
        "letter.docx": ProblemKind.ARCHIVE,  # a damaged Word document (Word is read now)
    }
    for path, kind in expected.items():
        assert docs[path].status is DocumentStatus.EXCLUDED, path
        assert docs[path].reason
        assert problems[path].kind is kind
        assert problems[path].fix
    assert "Word document" in problems["letter.docx"].message
    assert "[passwords]" in problems["Locked results.pdf"].fix
    assert "web page" in problems["portal-error.pdf"].message


def test_junk_is_ignored_and_counted_and_disc_software_is_not_a_problem(messy_folder: Path) -> None:
    report, _ = check_folder(messy_folder)
    ignored = {i.path for i in report.ignored}
    assert {".DS_Store", "Thumbs.db", "~$letter.docx", "__MACOSX/", "CD/AUTORUN.INF"} <= ignored
    docs = {d.path: d for d in report.documents}
    assert docs["CD/viewer.exe"].status is DocumentStatus.EXCLUDED
    assert not [p for p in report.problems if p.path == "CD/viewer.exe"]


def test_dicom_files_are_recognized_whatever_their_names(messy_folder: Path) -> None:
    report, _ = check_folder(messy_folder)
    assert len(report.imaging_studies) == 1
    study = report.imaging_studies[0]
    assert study.images == 3 and study.modality == "CT" and str(study.date) == "2026-03-04"
    assert study.report == "Radiology/Document (3).pdf"
    imaging_files = next(i for i in report.checklist if i.id == "imaging_files")
    assert imaging_files.status is ItemStatus.PRESENT


def test_the_folder_is_byte_for_byte_unchanged(messy_folder: Path) -> None:
    before = fingerprint(messy_folder)
    check_folder(messy_folder)
    assert fingerprint(messy_folder) == before


def test_a_pdf_with_only_an_owner_password_is_read_normally(tmp_path: Path) -> None:
    from conftest import make_locked_pdf

    root = tmp_path / "r"
    source = make_pdf(tmp_path / "consult.pdf", CONSULT_TEXT)
    make_locked_pdf(root / "Owner only.pdf", source, user_password="")
    report, _ = check_folder(root)
    doc = report.documents[0]
    assert doc.status is DocumentStatus.INCLUDED
    assert doc.category is Category.CLINIC_NOTES
    assert not [p for p in report.problems if p.kind is ProblemKind.LOCKED_PDF]


def test_a_password_in_packet_toml_unlocks_a_pdf(tmp_path: Path) -> None:
    from conftest import make_locked_pdf

    root = tmp_path / "r"
    source = make_pdf(tmp_path / "consult.pdf", CONSULT_TEXT)
    make_locked_pdf(root / "Portal" / "Locked.pdf", source, user_password="s3cret")
    (root / "packet.toml").write_text('[passwords]\n"Portal/Locked.pdf" = "s3cret"\n')
    report, _ = check_folder(root)
    doc = next(d for d in report.documents if d.path == "Portal/Locked.pdf")
    assert doc.status is DocumentStatus.INCLUDED and doc.category is Category.CLINIC_NOTES


def test_a_wrong_password_is_reported_as_such(tmp_path: Path) -> None:
    from conftest import make_locked_pdf

    root = tmp_path / "r"
    source = make_pdf(tmp_path / "consult.pdf", CONSULT_TEXT)
    make_locked_pdf(root / "Locked.pdf", source, user_password="right")
    (root / "packet.toml").write_text('[passwords]\n"Locked.pdf" = "wrong"\n')
    report, _ = check_folder(root)
    assert [p.kind for p in report.problems if p.path == "Locked.pdf"] == [
        ProblemKind.WRONG_PASSWORD
    ]


def test_a_scan_disc_of_another_patient_is_a_loud_problem(tmp_path: Path) -> None:
    from conftest import make_dicom

    root = tmp_path / "r"
    (root / "disc").mkdir(parents=True)
    (root / "packet.toml").write_text(
        '[patient]\nname = "Test Person"\ndate_of_birth = 1961-04-02\n'
    )
    make_dicom(root / "disc" / "IM1", name="OTHER^SOMEONE", birth="19700101")
    report, _ = check_folder(root)
    [loud] = [p for p in report.problems if p.kind is ProblemKind.OTHER_PATIENT]
    assert loud.severity == "error"
    assert "Someone Other" in loud.message and "Test Person" in loud.message


def test_the_patients_own_scans_with_a_plain_scanner_name_are_not_flagged(tmp_path: Path) -> None:
    from conftest import make_dicom

    root = tmp_path / "r"
    (root / "disc").mkdir(parents=True)
    (root / "packet.toml").write_text(
        '[patient]\nname = "María José Núñez-O\'Brien"\ndate_of_birth = 1958-07-23\n'
    )
    make_dicom(root / "disc" / "IM1", name="NUNEZ-OBRIEN^MARIA JOSE", birth="19580723")
    report, _ = check_folder(root)
    assert not [p for p in report.problems if p.kind is ProblemKind.OTHER_PATIENT]


def test_a_scan_with_the_birth_date_but_another_name_is_a_warning_naming_both(
    tmp_path: Path,
) -> None:
    from conftest import make_dicom

    root = tmp_path / "r"
    (root / "disc").mkdir(parents=True)
    (root / "packet.toml").write_text(
        '[patient]\nname = "Test Person"\ndate_of_birth = 1961-04-02\n'
    )
    make_dicom(root / "disc" / "IM1", name="GONZALEZ^MARIA", birth="19610402")
    report, _ = check_folder(root)
    [warning] = [p for p in report.problems if p.kind is ProblemKind.OTHER_PATIENT]
    assert warning.severity == "warning"
    assert "Test Person" in warning.message and "Gonzalez" in warning.message


def test_a_pdf_of_another_patient_is_left_out_until_the_caregiver_confirms_it(
    tmp_path: Path,
) -> None:
    root = tmp_path / "r"
    make_pdf(root / "mine.pdf", "Patient: Test Person  DOB: 04/02/1961\n" + CONSULT_TEXT)
    make_pdf(root / "dad.pdf", "Patient: Carlos Person  DOB: 11/30/1930\n" + CONSULT_TEXT)
    (root / "packet.toml").write_text(
        '[patient]\nname = "Test Person"\ndate_of_birth = 1961-04-02\n'
    )
    report, _ = check_folder(root)
    docs = {d.path: d for d in report.documents}
    assert docs["mine.pdf"].status is DocumentStatus.INCLUDED
    assert docs["dad.pdf"].status is DocumentStatus.EXCLUDED
    assert "Carlos Person" in docs["dad.pdf"].reason
    [error] = [p for p in report.problems if p.kind is ProblemKind.OTHER_PATIENT]
    assert error.path == "dad.pdf" and error.severity == "error"

    (root / "documents.csv").write_text("path,category,date,title,include\ndad.pdf,,,,yes\n")
    report, _ = check_folder(root)
    docs = {d.path: d for d in report.documents}
    assert docs["dad.pdf"].status is DocumentStatus.INCLUDED


def test_records_agreeing_on_another_birth_date_put_packet_toml_in_doubt(tmp_path: Path) -> None:
    root = tmp_path / "r"
    for name in ("a.pdf", "b.pdf"):
        make_pdf(root / name, f"Patient: Test Person  DOB: 04/02/1961  {name}\n" + CONSULT_TEXT)
    (root / "packet.toml").write_text(
        '[patient]\nname = "Test Person"\ndate_of_birth = 1961-02-04\n'
    )
    report, _ = check_folder(root)
    [conflict] = [p for p in report.problems if p.kind is ProblemKind.IDENTITY_CONFLICT]
    assert conflict.path == "packet.toml" and "1961-04-02" in conflict.message
    assert all(d.status is DocumentStatus.INCLUDED for d in report.documents)


def test_links_out_of_the_folder_are_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "r"
    root.mkdir()
    secret = make_pdf(tmp_path / "elsewhere.pdf", CONSULT_TEXT)
    (root / "link.pdf").symlink_to(secret)
    (root / "loop").symlink_to(root)
    report, _ = check_folder(root)
    docs = {d.path: d for d in report.documents}
    assert docs["link.pdf"].status is DocumentStatus.EXCLUDED
    assert docs["loop"].status is DocumentStatus.EXCLUDED


def test_documents_csv_overrides_category_date_title_and_inclusion(tmp_path: Path) -> None:
    root = tmp_path / "r"
    make_pdf(root / "a.pdf", "nothing to see")
    make_pdf(root / "b.pdf", CONSULT_TEXT)
    (root / "documents.csv").write_text(
        "path,category,date,title,include\na.pdf,labs,2026-05-01,Tumor markers,yes\nb.pdf,,,,no\n"
    )
    report, _ = check_folder(root)
    docs = {d.path: d for d in report.documents}
    assert docs["a.pdf"].category is Category.LABS
    assert str(docs["a.pdf"].date) == "2026-05-01"
    assert docs["a.pdf"].title == "Tumor markers"
    assert any("override" in e for e in docs["a.pdf"].evidence)
    assert docs["b.pdf"].status is DocumentStatus.EXCLUDED


def test_an_unreadable_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    import os

    root = tmp_path / "r"
    locked = make_pdf(root / "no access.pdf", CONSULT_TEXT)
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):  # running as root: permissions do not bite
            return
        report, _ = check_folder(root)
        assert report.documents[0].status is DocumentStatus.EXCLUDED
        assert report.problems[0].kind is ProblemKind.UNREADABLE_FILE
    finally:
        locked.chmod(0o644)


def test_names_in_any_encoding_are_accounted_for_and_printable(tmp_path: Path) -> None:
    import os

    root = tmp_path / "r"
    root.mkdir()
    latin1 = os.fsdecode("caf\xe9 r\xe9sultat.pdf".encode("latin-1"))
    make_pdf(root / latin1, CONSULT_TEXT)
    make_pdf(root / "Ärztebrief – 診断書.pdf", CONSULT_TEXT + "\n(second copy with more)")
    report, _ = check_folder(root)
    paths = sorted(d.path for d in report.documents)
    assert paths == sorted(["Ärztebrief – 診断書.pdf", "café résultat.pdf"])
    report.model_dump_json()  # encodable


def test_a_photo_saved_with_a_pdf_name_is_used_as_the_photo_it_is(tmp_path: Path) -> None:
    from conftest import make_image

    root = tmp_path / "r"
    photo = make_image(tmp_path / "p.jpg")
    root.mkdir()
    (root / "Labs").mkdir()
    (root / "Labs" / "results.pdf").write_bytes(photo.read_bytes())
    report, _ = check_folder(root)
    doc = report.documents[0]
    assert doc.status is DocumentStatus.INCLUDED and doc.kind == "image"
    assert doc.category is Category.LABS


def test_reading_in_worker_processes_gives_the_same_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import packet.index

    root = tmp_path / "r"
    for n in range(12):
        make_pdf(
            root / f"visit {n}.pdf", CONSULT_TEXT.replace("02/18/2026", f"02/{n + 1:02d}/2026")
        )
    (root / "empty.pdf").parent.mkdir(exist_ok=True)
    (root / "empty.pdf").write_bytes(b"")
    sequential, _ = check_folder(root)
    monkeypatch.setattr(packet.index, "PARALLEL_FROM", 2)
    parallel, _ = check_folder(root)
    assert parallel.model_dump() == sequential.model_dump()


def test_page_two_of_a_two_page_pathology_report_is_read_for_its_facts(tmp_path: Path) -> None:
    # A first page of 1,500 characters or more stopped the reading: a 2-page report's results
    # on page 2 were never read. Each page is its own text, so the fact cites page 2.
    root = records_folder(tmp_path)
    gross = "\n".join(
        f"Gross: the specimen is received in formalin, section {n} submitted in cassette A{n}."
        for n in range(1, 30)
    )
    make_pdf(
        root / "pathology.pdf",
        "SURGICAL PATHOLOGY REPORT\nPatient: Ana Example  DOB: 04/02/1961\n"
        "Collected: 03/02/2026\n" + gross,
        "FINAL DIAGNOSIS\nLeft breast, lumpectomy: invasive ductal carcinoma.\n"
        "Pathologic stage: pT2 pN0\nEstrogen receptor: positive (95%)",
    )
    report, _ = check_folder(root)
    facts = {f.kind: f for f in report.summary.facts}
    [tnm] = facts[FactKind.TNM].values
    assert tnm.value == "pT2 pN0" and [s.page for s in tnm.sources] == [2]
    assert facts[FactKind.ER].values and facts[FactKind.ER].values[0].sources[0].page == 2


def test_the_summary_says_why_a_scan_was_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "not found" only of what was read: each scan not read in full says why, for the summary.
    from packet import ocr
    from packet.models import Unread

    from conftest import make_scanned_pdf

    root = records_folder(tmp_path)
    make_scanned_pdf(root / "Pathology" / "outside pathology.pdf", pages=2)

    def why(report: Report) -> list[tuple[Unread, int]]:
        return [(s.unread, s.pages) for s in report.summary.read_in_part]

    assert why(check_folder(root, ocr=False)[0]) == [
        (Unread.OCR_OFF if ocr.available() else Unread.NO_TESSERACT, 2)
    ]
    monkeypatch.setattr(ocr, "available", lambda: False)
    assert why(check_folder(root, ocr=False)[0]) == [(Unread.NO_TESSERACT, 2)]
    monkeypatch.undo()
    if ocr.available():
        assert why(check_folder(root, ocr=True, cache=False)[0]) == [(Unread.UNREADABLE, 2)]
