"""The center's first pages claim only what a record of this patient supports: another patient's
scans and records are never counted, listed or described as hers; a ✓ needs a record's own
words; the PDF speaks to the center, not the family. Through `check` and `build`, as used."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from packet import ocr
from packet.cli import app
from packet.models import ItemStatus, Report

from conftest import CT_TEXT, PATHOLOGY_TEXT, make_dicom, make_pdf, records_folder

runner = CliRunner()


def check(folder: Path, *options: str) -> tuple[Report, str]:
    data = runner.invoke(app, ["check", "--json", *options, str(folder)])
    text = runner.invoke(app, ["check", *options, str(folder)], env={"COLUMNS": "80"})
    return Report.model_validate_json(data.stdout), text.output


def build(folder: Path, out: Path, *options: str) -> tuple[list[str], str]:
    """The packet's pages as text, and what build said on stderr."""
    result = runner.invoke(app, ["build", str(folder), "-o", str(out), "--force", *options])
    assert result.exit_code == 0, result.output
    pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(out).pages]
    return pages, result.stderr


def section(pages: list[str], title: str) -> str:
    return " ".join(p for p in pages if title in p)


def disc_with_other_patients(root: Path) -> None:
    """A copied disc: the patient's CT, and three studies of other people."""
    disc = root / "CD from imaging" / "DICOM"
    make_dicom(disc / "IM0001", study="1.2.3.1", series="1.2.3.1.1", instance=1)
    make_dicom(disc / "IM0002", study="1.2.3.1", series="1.2.3.1.1", instance=2)
    for n, (name, birth) in enumerate(
        (("DOE^JANE", "19500102"), ("ROE^RICHARD", "19721111"), ("SMITH^ALEX", "")), start=2
    ):
        make_dicom(
            disc / f"OTHER{n}",
            study=f"1.2.3.{n}",
            series=f"1.2.3.{n}.1",
            name=name,
            birth=birth,
            study_date=f"2019010{n}",
            modality="MR",
            description="MR BRAIN",
        )
    make_pdf(root / "Radiology" / "CT report.pdf", CT_TEXT)


def test_another_patients_scan_studies_are_never_counted_or_listed_as_hers(
    tmp_path: Path,
) -> None:
    root = records_folder(tmp_path)
    disc_with_other_patients(root)
    report, text = check(root)
    assert [s.study_uid for s in report.imaging_studies] == ["1.2.3.1"]
    assert {s.study_uid for s in report.other_studies} == {"1.2.3.2", "1.2.3.3", "1.2.3.4"}
    files = next(i for i in report.checklist if i.id == "imaging_files")
    assert files.status is ItemStatus.PRESENT and "1 scan study" in files.detail
    # check names the other patients and which files are theirs, and says it in its last lines
    flat = " ".join(text.split())
    assert "Jane Doe" in flat and "OTHER2" in flat
    assert "3 scan studies left out as another patient's" in flat

    pages, said = build(root, tmp_path / "p.pdf")
    cover = pages[0]
    assert "Scan files (DICOM): 1 study" in cover
    imaging = section(pages, "Imaging sent separately")
    assert "MR BRAIN" not in imaging and "CT CHEST" in imaging
    assert "3 scan studies left out as another patient's" in " ".join(said.split())
    left_out = pages[-1]
    assert left_out.count("another patient's scan study") == 3
    # the center is never given another patient's name
    assert not any("Doe" in p or "Roe" in p or "Smith" in p for p in pages)


def test_a_study_confirmed_in_documents_csv_is_the_patients(tmp_path: Path) -> None:
    root = records_folder(tmp_path)
    disc_with_other_patients(root)
    _, text = check(root)
    # studies sharing a folder are confirmed by a file of their own, as check prints it
    assert "CD from imaging/DICOM/OTHER2,,,,yes" in text
    (root / "documents.csv").write_text(
        "path,category,date,title,include\nCD from imaging/DICOM/OTHER2,,,,yes\n"
    )
    report, _ = check(root)
    assert {s.study_uid for s in report.imaging_studies} == {"1.2.3.1", "1.2.3.2"}
    assert len(report.other_studies) == 2


def test_another_patients_record_is_left_out_in_the_centers_terms(tmp_path: Path) -> None:
    root = records_folder(tmp_path)
    make_pdf(root / "mine.pdf", "Patient: Test Person  DOB: 04/02/1961\n" + PATHOLOGY_TEXT)
    make_pdf(root / "dad.pdf", "Patient: Carlos Person  DOB: 11/30/1930\n" + PATHOLOGY_TEXT)
    (root / "old letter.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600)
    _, text = check(root)
    assert "1 record left out as another patient's" in " ".join(text.split())
    pages, said = build(root, tmp_path / "p.pdf")
    assert "1 record left out as another patient's" in " ".join(said.split())
    left_out = section(pages, "Files not included")
    assert "dad.pdf another patient's record, left out" in left_out
    assert "Carlos" not in " ".join(pages)
    for word in ("documents.csv", "packet.toml", "include =", "confirm", "save it as PDF"):
        assert word not in " ".join(pages), word


def noise_photo(path: Path) -> Path:
    """A phone photo of a page held sideways, blurred: Tesseract reads letters, not words."""
    import random

    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(7)
    image = Image.new("L", (1600, 1200), 200)
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = rng.randint(0, 1600), rng.randint(0, 1200)
        end = (x + rng.randint(-200, 200), y + rng.randint(-50, 50))
        draw.line((x, y, *end), fill=rng.randint(0, 120), width=rng.randint(2, 9))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.filter(ImageFilter.GaussianBlur(2)).save(path, "JPEG")
    return path


def placeholders(root: Path) -> None:
    """Files whose names promise records their content does not hold."""
    import docx

    make_pdf(root / "notes from dr visit.pdf", "see attached")
    make_pdf(root / "Visit summary.pdf", "")
    letter = docx.Document()
    letter.add_paragraph("Directions: take the second left after the parking garage.")
    letter.save(str(root / "scan_from_portal.docx"))
    noise_photo(root / "Radiology" / "IMG_2231.jpg")


def test_a_tick_needs_the_records_own_words_not_its_name(tmp_path: Path) -> None:
    root = records_folder(tmp_path)
    placeholders(root)
    make_pdf(root / "path.pdf", PATHOLOGY_TEXT)
    for options in ((), ("--no-ocr",)):  # OCR never hides a gap that --no-ocr shows
        report, text = check(root, *options)
        items = {i.id: i for i in report.checklist}
        assert items["pathology"].status is ItemStatus.PRESENT
        for item in ("imaging", "clinic_notes"):
            assert items[item].status is ItemStatus.UNVERIFIED, (options, items[item])
        assert items["recommendation"].status is ItemStatus.MISSING
        assert "notes from dr visit.pdf" in items["clinic_notes"].unverified
        flat = " ".join(text.split())
        assert "? Imaging reports UNVERIFIED (required): 2 records filed by name only" in flat
        assert "Radiology/IMG_2231.jpg" in flat
    pages, _ = build(root, tmp_path / "p.pdf")
    checklist = section(pages, "What a complete second-opinion packet holds")
    row = checklist.split("Imaging reports", 1)[1][:80]
    assert row.startswith(" Not verified") and "Present" not in row.split("Imaging scan")[0]


def test_a_scanner_apps_name_never_dates_a_record(tmp_path: Path) -> None:
    root = records_folder(tmp_path)
    undated = PATHOLOGY_TEXT.replace("Collected: 02/10/2026 10:42    ", "")
    make_pdf(root / "Scan 2026-03-01.pdf", undated)
    make_pdf(root / "Scan 2026-03-01 (2).pdf", undated + "\nSecond copy with a note.")
    make_pdf(root / "biopsy 2-10-26.pdf", undated + "\nA third.")
    report, _ = check(root)
    dates = {d.path: d.date for d in report.documents}
    assert dates["Scan 2026-03-01.pdf"] is None and dates["Scan 2026-03-01 (2).pdf"] is None
    assert str(dates["biopsy 2-10-26.pdf"]) == "2026-02-10"
    pages, _ = build(root, tmp_path / "p.pdf")
    assert "2026-03-01" not in section(pages, "Clinical summary")


def test_check_names_what_it_cannot_support_on_the_cover_and_checklist(tmp_path: Path) -> None:
    root = records_folder(tmp_path)
    with (root / "packet.toml").open("a") as toml:
        toml.write("[second_opinion]\nappointment = 2026-11-02\n")
    make_dicom(root / "disc" / "IM1", study_date="20260304")
    make_pdf(root / "ct.pdf", CT_TEXT)
    make_pdf(root / "mammo.pdf", CT_TEXT.replace("03/04/2026", "01/28/2026"))
    result = runner.invoke(app, ["check", "--json", str(root)])
    report = Report.model_validate_json(result.stdout)
    [late] = [p for p in report.problems if "appointment" in p.message]
    assert "2026-11-02" in late.message and "before today" in late.message
    files = next(i for i in report.checklist if i.id == "imaging_files")
    assert files.status is ItemStatus.PRESENT
    assert "no scans on the disc for" in files.detail and "2026-01-28" in files.detail
    assert "2026-03-04" not in files.detail.split("no scans on the disc for")[1]


@pytest.mark.skipif(not ocr.available(), reason="Tesseract is not installed")
def test_a_photo_of_her_record_misread_by_ocr_is_still_hers(tmp_path: Path) -> None:
    from PIL import Image, ImageDraw, ImageFont

    root = tmp_path / "r"
    root.mkdir()
    (root / "packet.toml").write_text(
        '[patient]\nname = "María José Núñez-O\'Brien"\ndate_of_birth = 1958-07-23\n',
        encoding="utf-8",
    )
    page = Image.new("L", (1700, 2200), 245)
    draw = ImageDraw.Draw(page)
    font = ImageFont.load_default(size=30)
    for n, line in enumerate(
        [
            "Lakeside Imaging Center",
            "RADIOLOGY REPORT",
            "Patient: Nufez-O'Brien, Maria Jose    DOB: 07/23/1958",
            "EXAM: CT chest with contrast",
            "Date of service: 03/04/2026",
            "FINDINGS: The lungs are clear. No mass or nodule.",
            "IMPRESSION: No evidence of metastatic disease.",
        ]
    ):
        draw.text((110, 120 + 46 * n), line, fill=20, font=font)
    page.rotate(90, expand=True).save(root / "IMG_0042.jpg", "JPEG")  # held sideways
    report, _ = check(root)
    [doc] = [d for d in report.documents if d.path == "IMG_0042.jpg"]
    assert doc.status == "included" and doc.category == "imaging", doc
    assert not [p for p in report.problems if p.kind == "other_patient"]


def test_not_found_is_said_only_of_what_was_read(tmp_path: Path) -> None:
    from conftest import make_scanned_pdf

    root = records_folder(tmp_path)
    make_pdf(root / "ct.pdf", CT_TEXT)
    make_scanned_pdf(root / "Pathology" / "outside pathology.pdf")
    pages, _ = build(root, tmp_path / "p.pdf", "--no-ocr")
    summary = section(pages, "Clinical summary")
    assert "not found in the records" not in summary
    assert "Histology not found in the text read; 1 scanned page could not be read" in summary
    assert "Not read in full: 1 scanned record" in summary
    assert "reading scans was turned off" in summary and "--no-ocr" not in summary
    make_scanned_pdf(root / "Pathology" / "outside pathology.pdf").unlink()
    pages, _ = build(root, tmp_path / "p.pdf", "--no-ocr")
    assert "Histology not found in the records" in section(pages, "Clinical summary")


def block_lines(text: str, start: str, end: str | None = None) -> list[str]:
    """The lines to copy printed after `start` (and before `end`)."""
    part = text.split(start, 1)[1]
    if end:
        part = part.split(end, 1)[0]
    lines = part.splitlines()[1:]
    block = lines[: next((n for n, line in enumerate(lines) if not line.startswith(" ")), None)]
    return [line.strip() for line in block if line.startswith("      ")]


def test_another_patients_lines_are_apart_from_the_lines_to_fill_in(tmp_path: Path) -> None:
    root = records_folder(tmp_path)
    make_pdf(root / "loose page.pdf", "Some words that say nothing about what this page is.")
    make_pdf(root / "dad.pdf", "Patient: Carlos Person  DOB: 11/30/1930\n" + PATHOLOGY_TEXT)
    _, text = check(root)
    fill_in = block_lines(text, "For a category or date", "Only for a record or scan")
    assert fill_in == ["loose page.pdf,CATEGORY,YYYY-MM-DD,,yes"]
    assert block_lines(text, "Only for a record or scan that is the patient's") == [
        "dad.pdf,,,,yes"
    ]


def test_the_password_lines_of_two_locked_pdfs_paste_into_packet_toml(tmp_path: Path) -> None:
    import tomllib

    from conftest import CONSULT_TEXT, make_locked_pdf

    root = records_folder(tmp_path)
    source = make_pdf(tmp_path / "consult.pdf", CONSULT_TEXT)
    make_locked_pdf(root / "Portal" / "One.pdf", source, user_password="s3cret")
    make_locked_pdf(root / "Two, locked.pdf", source, user_password="s3cret")
    _, text = check(root)
    lines = block_lines(text, "packet.toml: the passwords of locked PDFs")
    assert lines[0] == "[passwords]" and len(lines) == 3
    with (root / "packet.toml").open("a") as toml:
        toml.write("\n".join(lines).replace("PASSWORD", "s3cret") + "\n")
    assert tomllib.loads((root / "packet.toml").read_text())["passwords"]["Two, locked.pdf"]
    report, _ = check(root)
    assert not [p for p in report.problems if p.kind in ("locked_pdf", "wrong_password")]


def test_a_record_filed_by_its_name_is_confirmed_by_the_line_check_prints(
    tmp_path: Path,
) -> None:
    from conftest import make_scanned_pdf

    root = records_folder(tmp_path)
    make_scanned_pdf(root / "Radiology" / "CT chest.pdf")
    report, text = check(root, "--no-ocr")
    assert next(i for i in report.checklist if i.id == "imaging").status is ItemStatus.UNVERIFIED
    lines = block_lines(text, "Only for a file that is what its name says")
    assert lines == ["Radiology/CT chest.pdf,imaging,YYYY-MM-DD,,yes"]
    (root / "documents.csv").write_text(
        "path,category,date,title,include\n" + lines[0].replace("YYYY-MM-DD", "2026-03-04") + "\n"
    )
    report, _ = check(root, "--no-ocr")
    assert next(i for i in report.checklist if i.id == "imaging").status is ItemStatus.PRESENT


def test_each_scan_study_is_paired_with_the_report_of_its_kind(tmp_path: Path) -> None:
    root = records_folder(tmp_path)
    make_pdf(root / "a ct.pdf", CT_TEXT)
    pet = CT_TEXT.replace("CT CHEST ABDOMEN PELVIS WITH CONTRAST", "PET/CT SKULL BASE TO MID-THIGH")
    make_pdf(root / "b pet.pdf", pet)
    make_dicom(root / "disc" / "PET1", study="1.2.9.1", series="1.2.9.1.1", modality="PT")
    make_dicom(root / "disc" / "CT1", study="1.2.9.2", series="1.2.9.2.1")
    report, _ = check(root)
    reports = {s.modality: s.report for s in report.imaging_studies}
    assert reports == {"PT": "b pet.pdf", "CT": "a ct.pdf"}, reports
    files = next(i for i in report.checklist if i.id == "imaging_files")
    assert files.no_scans == []


def test_a_file_only_named_like_a_report_is_never_a_studys_report(tmp_path: Path) -> None:
    root = records_folder(tmp_path)
    make_pdf(root / "Radiology" / "CT report 2026-03-04.pdf", "see attached")
    make_dicom(root / "disc" / "IM1")
    report, _ = check(root)
    [study] = report.imaging_studies
    assert study.report is None
