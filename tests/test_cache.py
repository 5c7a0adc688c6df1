"""Scans read in full for the summary's facts, and never twice: the OCR cache is the user's own,
private, bounded, removable with one command, and never in the records folder."""

from __future__ import annotations

import io
import stat
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas
from typer.testing import CliRunner

import packet.ocr
from packet import cache, ocr
from packet.check import check_folder
from packet.cli import app
from packet.models import FactKind

from conftest import fingerprint, records_folder

runner = CliRunner()
needs_tesseract = pytest.mark.skipif(not ocr.available(), reason="Tesseract is not installed")


def scanned_pdf(path: Path, *pages: list[str]) -> Path:
    """Pages as a scanner makes them: images of the text at 200 dpi, no text layer."""
    path.parent.mkdir(parents=True, exist_ok=True)
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    font = ImageFont.load_default(size=30)
    for lines in pages:
        image = Image.new("L", (1700, 2200), 245)
        draw = ImageDraw.Draw(image)
        for n, line in enumerate(lines):
            draw.text((110, 120 + 46 * n), line, fill=20, font=font)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=80)
        buffer.seek(0)
        c.drawImage(ImageReader(buffer), 0, 0, width=letter[0], height=letter[1])
        c.showPage()
    c.save()
    return path


PAGE_ONE = [
    "Lakeside Medical Center - Department of Pathology",
    "SURGICAL PATHOLOGY REPORT",
    "Patient: Test Person     DOB: 04/02/1961",
    "Date of procedure: 09/15/2026",
    "SPECIMEN: Left breast, lumpectomy",
    "GROSS DESCRIPTION: A 4.5 x 3.0 x 2.5 cm fibrofatty specimen.",
]
PAGE_TWO = [
    "FINAL DIAGNOSIS:",
    "Left breast, lumpectomy:",
    "- Invasive ductal carcinoma, 2.2 cm.",
    "Pathologic stage: pT2 pN0",
]


@needs_tesseract
def test_a_scanned_pathology_report_is_read_in_full_for_its_facts(tmp_path: Path) -> None:
    root = records_folder(tmp_path)
    scanned_pdf(root / "outside path.pdf", PAGE_ONE, PAGE_TWO)
    report, _ = check_folder(root, ocr=True)
    [doc] = report.documents
    assert doc.category == "pathology" and not doc.read_in_part
    facts = {(f.kind, f.value, f.page) for f in doc.facts}
    assert (FactKind.TNM, "pT2 pN0", 2) in facts
    assert (FactKind.HISTOLOGY, "invasive ductal carcinoma", 2) in facts
    assert not report.summary.read_in_part


@needs_tesseract
def test_a_scan_is_read_once_then_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = records_folder(tmp_path)
    scanned_pdf(root / "outside path.pdf", PAGE_ONE, PAGE_TWO)
    before = fingerprint(root)
    calls = []
    read = packet.ocr._read

    def counted(image: object) -> packet.ocr.Reading:
        calls.append(1)
        return read(image)

    monkeypatch.setattr(packet.ocr, "_read", counted)
    first, _ = check_folder(root, ocr=True)
    assert len(calls) >= 3  # the top of page 1 to file it, then both pages in full
    calls.clear()
    second, _ = check_folder(root, ocr=True)
    assert calls == [] and second.documents == first.documents
    # the cache is the user's own folder, private, and the records folder is untouched
    assert fingerprint(root) == before
    top = cache.folder()
    assert top.is_dir() and root not in top.parents
    for folder in (top.parent, top, *{p.parent for p in cache.entries()}):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert len(cache.entries()) == 3
    # --no-cache reads again and keeps nothing new; `packet cache clear` empties it
    check_folder(root, ocr=True, cache=False)
    assert calls and len(cache.entries()) == 3
    result = runner.invoke(app, ["cache", "clear"])
    assert result.exit_code == 0 and "Removed 3 pages" in result.output
    assert cache.entries() == []


def test_the_cache_keeps_to_its_bound_dropping_the_least_recently_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import os

    for n in range(10):
        entry = cache.key("digest", n, "top", "settings")
        cache.put(entry, "x" * 1000)
        os.utime(cache.folder() / entry[:2] / entry, (n, n))
    cache.prune(limit=5000)
    kept = {cache.get(cache.key("digest", n, "top", "settings")) is not None for n in range(5)}
    assert kept == {False}
    assert all(cache.get(cache.key("digest", n, "top", "settings")) for n in range(5, 10))


def test_packet_cache_says_where_it_is_and_how_much_it_holds() -> None:
    cache.put(cache.key("d", 0, "top", "s"), "some text")
    result = runner.invoke(app, ["cache"])
    assert result.exit_code == 0
    said = " ".join(result.output.split())
    assert str(cache.folder()).replace("\n", "") in said.replace(" ", "") or "1 page" in said
    assert "packet cache clear" in said


@needs_tesseract
def test_a_scan_read_in_full_is_searchable_in_the_packet(tmp_path: Path) -> None:
    # The center could not search a scanned report for "HER2": the words OCR read are laid on
    # the page as invisible text, where the image shows them; the image itself is unchanged.
    import pypdfium2 as pdfium

    root = records_folder(tmp_path)
    scanned_pdf(root / "outside path.pdf", PAGE_ONE, PAGE_TWO)
    out = tmp_path / "p.pdf"
    result = runner.invoke(app, ["build", str(root), "-o", str(out)])
    assert result.exit_code == 0, result.output
    document = pdfium.PdfDocument(str(out))
    found = {}
    for number in range(len(document)):
        textpage = document[number].get_textpage()
        text = textpage.get_text_range()
        if "lumpectomy" in text and "FINAL DIAGNOSIS" in text:
            found["page 2"] = (number, textpage)
        elif "SURGICAL PATHOLOGY REPORT" in text and "GROSS DESCRIPTION" in text:
            found["page 1"] = (number, textpage)
    assert set(found) == {"page 1", "page 2"}, "the scan's words are not in the packet"
    number, textpage = found["page 2"]
    page = document[number]
    searcher = textpage.search("pT2")
    match = searcher.get_next()
    assert match is not None
    left, _, _, top = textpage.get_charbox(match[0])
    width, height = page.get_size()
    # the scan drew "Pathologic stage: pT2 pN0" on line 4, 120 + 46*3 pixels down of 2200
    assert 0.08 < (height - top) / height < 0.16, (top, height)
    assert left / width > 0.15  # after "Pathologic stage:"
    # invisible (render mode 3), and under the scan's own content, which is kept as it was
    from pypdf import PdfReader

    contents = PdfReader(out).pages[number].get_contents()
    assert contents is not None
    data = contents.get_data()
    assert b"BT 3 Tr" in data and data.index(b"BT 3 Tr") < data.index(b" Do")


@needs_tesseract
def test_a_photo_read_in_full_is_searchable_where_it_shows_the_words(tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    root = records_folder(tmp_path)
    image = Image.new("L", (1700, 2200), 245)
    draw = ImageDraw.Draw(image)
    for n, line in enumerate(PAGE_ONE + PAGE_TWO):
        draw.text((110, 120 + 46 * n), line, fill=20, font=ImageFont.load_default(size=30))
    image.save(root / "IMG_2231.jpg", "JPEG", quality=85)
    out = tmp_path / "p.pdf"
    result = runner.invoke(app, ["build", str(root), "-o", str(out)])
    assert result.exit_code == 0, result.output
    document = pdfium.PdfDocument(str(out))
    [page] = [p for p in document if "FINAL DIAGNOSIS" in p.get_textpage().get_text_range()]
    textpage = page.get_textpage()
    match = textpage.search("SURGICAL").get_next()
    assert match is not None
    left, _, _, top = textpage.get_charbox(match[0])
    # the photo is fitted within margins: its second line sits near the top, a little in
    width, height = page.get_size()
    assert 0.03 < (height - top) / height < 0.12 and 0.04 < left / width < 0.2, (left, top)


@needs_tesseract
def test_a_photo_held_sideways_whose_top_reads_as_nothing_is_still_turned(tmp_path: Path) -> None:
    # A lab report photographed sideways into a portrait photo: the top third of it gives
    # Tesseract no words at all, as a blank page does, and it was left as "unreadable".
    root = records_folder(tmp_path)
    page = Image.new("L", (1500, 1100), 245)
    draw = ImageDraw.Draw(page)
    lines = [
        "Springfield Labs",
        "LABORATORY REPORT",
        "Patient: Test Person     DOB: 04/02/1961",
        "Collected: 04/10/2026",
        "CEA 3.1 ng/mL (0.0-3.0) H",
        "Hemoglobin 11.2 g/dL (12.0-15.5) L",
    ]
    for n, line in enumerate(lines):
        draw.text((90, 90 + 60 * n), line, fill=20, font=ImageFont.load_default(size=40))
    page.rotate(90, expand=True).save(root / "IMG_20260411_093012.jpg", "JPEG", quality=85)
    report, _ = check_folder(root, ocr=True, cache=False)
    [doc] = report.documents
    assert doc.category == "labs" and doc.unread != "no readable text was found on it", doc


@needs_tesseract
def test_the_timeline_command_reads_scans_as_check_and_build_do(tmp_path: Path) -> None:
    # `packet timeline` read no scan, so a scanned record dated on the page was on the packet's
    # timeline page but not on the command's.
    import json

    root = records_folder(tmp_path)
    scanned_pdf(root / "outside path.pdf", PAGE_ONE, PAGE_TWO)
    result = runner.invoke(app, ["timeline", str(root), "--json"])
    assert result.exit_code == 0, result.output
    events = json.loads(result.stdout)
    assert any(
        e["date"] == "2026-09-15" and "outside path.pdf" in e["documents"] for e in events
    ), events
    result = runner.invoke(app, ["timeline", str(root), "--json", "--no-ocr"])
    assert not any(e["date"] == "2026-09-15" for e in json.loads(result.stdout))
