"""Damaged and hostile files of the formats packet unpacks or decodes (zip, DICOM, email, Word,
caregiver CSV files, very long lines): each costs only itself, is listed with what to do, and
costs seconds, not minutes or gigabytes.
"""

from __future__ import annotations

import errno
import io
import os
import struct
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from packet import unpack
from packet.check import check_folder
from packet.cli import app
from packet.models import DocumentStatus

from conftest import CONSULT_TEXT, make_dicom, make_pdf, records_folder

runner = CliRunner()


def _check_and_build(root: Path, tmp_path: Path) -> None:
    """Both commands finish as they would for any folder: no 'unexpected error'."""
    checked = runner.invoke(app, ["check", str(root)])
    assert "unexpected error" not in checked.output, checked.output
    assert checked.exit_code in (0, 1), checked.output  # 1: required items are missing
    built = runner.invoke(app, ["build", str(root), "-o", str(tmp_path / "p.pdf")])
    assert built.exit_code == 0, built.output


def _status(root: Path) -> dict[str, tuple[DocumentStatus, str]]:
    report, _ = check_folder(root)
    return {d.path: (d.status, d.reason) for d in report.documents}


def _damaged_zip(path: Path, compression: int) -> None:
    """A zip whose one member's compressed data has 20 bytes flipped in its middle."""
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        archive.writestr("note.txt", CONSULT_TEXT.encode() * 60)
        archive.writestr("intact.txt", CONSULT_TEXT.encode())
    data = bytearray(path.read_bytes())
    start = data.index(b"note.txt") + len("note.txt") + 40
    for i in range(start, start + 20):
        data[i] ^= 0x55
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "compression",
    [zipfile.ZIP_DEFLATED, zipfile.ZIP_LZMA, zipfile.ZIP_BZIP2],
    ids=["deflate", "lzma", "bzip2"],
)
def test_a_zip_member_with_damaged_compressed_data_costs_only_itself(
    tmp_path: Path, compression: int
) -> None:
    root = records_folder(tmp_path)
    make_pdf(root / "consult.pdf", CONSULT_TEXT)
    _damaged_zip(root / "export.zip", compression)
    status = _status(root)
    assert status["export.zip/note.txt"] == (
        DocumentStatus.EXCLUDED,
        "damaged inside the zip archive",
    )
    assert status["export.zip/intact.txt"][0] is DocumentStatus.INCLUDED
    assert status["consult.pdf"][0] is DocumentStatus.INCLUDED
    report, _ = check_folder(root)
    [problem] = [p for p in report.problems if p.path == "export.zip/note.txt"]
    assert "damaged" in problem.message and problem.fix
    _check_and_build(root, tmp_path)


def _flip_vr(path: Path, tag: tuple[int, int], vr: bytes = b"TL") -> None:
    """One element's value representation replaced by one pydicom does not know."""
    data = bytearray(path.read_bytes())
    at = data.index(struct.pack("<HH", *tag))
    data[at + 4 : at + 6] = vr
    path.write_bytes(bytes(data))


def _nested_sequences(depth: int) -> bytes:
    """`depth` sequences of undefined length, each the one item of the one before."""
    opening = (
        struct.pack("<HH", 0x0008, 0x1115) + b"SQ\0\0\xff\xff\xff\xff"
        + struct.pack("<HH", 0xFFFE, 0xE000) + b"\xff\xff\xff\xff"
    )  # fmt: skip
    closing = struct.pack("<HHI", 0xFFFE, 0xE00D, 0) + struct.pack("<HHI", 0xFFFE, 0xE0DD, 0)
    return opening * depth + closing * depth


@pytest.mark.parametrize("damage", ["flipped VR", "5,000 nested sequences"])
def test_a_damaged_scan_file_costs_only_itself(tmp_path: Path, damage: str) -> None:
    root = records_folder(tmp_path)
    make_pdf(root / "consult.pdf", CONSULT_TEXT)
    damaged = make_dicom(root / "disc" / "IM1", instance=1)
    make_dicom(root / "disc" / "IM2", instance=2)
    if damage == "flipped VR":
        _flip_vr(damaged, (0x0002, 0x0000))  # the file meta group's length
    else:
        data = damaged.read_bytes()
        pixels = data.index(struct.pack("<HH", 0x7FE0, 0x0010))
        damaged.write_bytes(data[:pixels] + _nested_sequences(5000) + data[pixels:])
    report, _ = check_folder(root)
    assert {d.path: d.reason for d in report.documents}["disc/IM1"] == "damaged scan file"
    [problem] = [p for p in report.problems if p.path == "disc/IM1"]
    assert "damaged" in problem.message and problem.fix
    [study] = report.imaging_studies
    assert study.images == 1  # the intact file of the disc is still counted
    _check_and_build(root, tmp_path)


def test_a_damaged_disc_index_leaves_the_discs_images_read(tmp_path: Path) -> None:
    from pydicom import dcmread
    from pydicom.fileset import FileSet

    root = records_folder(tmp_path)
    make_pdf(root / "consult.pdf", CONSULT_TEXT)
    disc = FileSet()
    for n in range(3):
        ds = dcmread(make_dicom(tmp_path / f"src{n}", instance=n))
        ds.StudyTime, ds.StudyID, ds.SeriesNumber, ds.PatientID = "1000", "1", 1, "42"
        disc.add(ds)
    disc.write(root / "CD")
    _flip_vr(root / "CD" / "DICOMDIR", (0x0004, 0x1500))  # a record's Referenced File ID
    report, _ = check_folder(root)
    reasons = {d.path: d.reason for d in report.documents}
    assert reasons["CD/DICOMDIR"] == "damaged index of the scan disc (DICOMDIR)"
    [study] = report.imaging_studies
    assert study.images == 3
    [problem] = [p for p in report.problems if p.path == "CD/DICOMDIR"]
    assert "other files are read" in problem.message
    _check_and_build(root, tmp_path)


def _email(path: Path, headers: str, body: str = "Hello\n", kind: str = "plain") -> Path:
    path.write_text(
        "From: a@example.com\nTo: b@example.com\nDate: Tue, 10 Feb 2026 09:30:00 -0500\n"
        f"{headers}MIME-Version: 1.0\nContent-Type: text/{kind}; charset=utf-8\n\n{body}",
        encoding="utf-8",
    )
    return path


def test_an_email_header_of_thousands_of_encoded_words_is_cut_not_parsed_whole(
    tmp_path: Path,
) -> None:
    import tracemalloc

    from packet.formats import mail

    words = " ".join(["=?utf-8?q?ab?="] * 3000)  # the parser's memory grows with their square
    path = _email(tmp_path / "m.eml", f"Subject: {words}\n")
    tracemalloc.start()
    try:
        message = mail.read(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000, f"{peak:,} bytes"  # 3000 words whole: over 70 MB
    assert message.cut == ["Subject"]
    assert message.subject == "ab" * mail.MAX_ENCODED_WORDS  # adjacent encoded words join
    root = records_folder(tmp_path)
    _email(root / "m.eml", f"Subject: {words}\n")
    report, _ = check_folder(root)
    [problem] = [p for p in report.problems if p.path == "m.eml"]
    assert problem.message.startswith("Header cut: this email's Subject header") and problem.fix


def test_an_email_header_of_thousands_of_addresses_is_cut_to_a_hundred(tmp_path: Path) -> None:
    import time

    from packet.formats import mail

    addresses = ", ".join(f"p{i}@example.com" for i in range(20_000))
    path = _email(tmp_path / "m.eml", f"Cc: {addresses}\n")
    started = time.perf_counter()
    message = mail.read(path)
    assert time.perf_counter() - started < 1  # 20,000 addresses whole: over 5 s
    assert message.cut == ["Cc"]
    [cc] = [line for line in message.text.splitlines() if line.startswith("Cc: ")]
    assert cc.count("@") == mail.MAX_ADDRESSES and cc.endswith("p99@example.com")


@pytest.mark.parametrize(
    "page", ["<p>Visit</p>" + "<style>" * 8000, "<p>Visit</p>" + "<" * 80_000], ids=["style", "lt"]
)
def test_an_html_email_of_unclosed_tags_is_read_in_one_pass(tmp_path: Path, page: str) -> None:
    import time

    from packet.formats import mail

    path = _email(tmp_path / "m.eml", "Subject: visit\n", page, kind="html")
    started = time.perf_counter()
    message = mail.read(path)
    assert time.perf_counter() - started < 1  # unfixed: over 2 s (and hours at 0.9 MB)
    assert "Visit" in message.text


def test_an_html_email_loses_only_its_scripts_and_styles(tmp_path: Path) -> None:
    from packet.formats import mail

    page = (
        "<html><head><STYLE type='text/css'>p {color: red}</STYLE></head><body>"
        "<p>Biopsy results</p><script>alert('x')</script ><div>are back &amp; clear</div>"
        "<style>unclosed"
    )
    text = mail.read(_email(tmp_path / "m.eml", "Subject: s\n", page, kind="html")).text
    assert "Biopsy results\nare back & clear" in text
    assert "color" not in text and "alert" not in text
    assert text.rstrip().endswith("unclosed")  # never closed: kept, as before


def _word_document(path: Path, paragraphs: int) -> Path:
    """A .docx of `paragraphs` short styled paragraphs: 100,000 compress to about 60 KB."""
    import docx

    source = path.with_suffix(".src.docx")
    document = docx.Document()
    document.add_heading("Consultation", level=1)
    document.save(str(source))
    body = '<w:p><w:pPr><w:pStyle w:val="Normal"/></w:pPr><w:r><w:t>x</w:t></w:r></w:p>'
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + body.encode() * paragraphs, 1)
            new.writestr(item.filename, data)
    source.unlink()
    return path


def test_a_word_document_that_unpacks_to_megabytes_of_markup_is_listed_not_read(
    tmp_path: Path,
) -> None:
    import time

    root = records_folder(tmp_path)
    make_pdf(root / "consult.pdf", CONSULT_TEXT)
    _word_document(root / "letter.docx", 100_000)  # 7.5 MB of XML; 46 s to read before
    assert (root / "letter.docx").stat().st_size < 100_000
    started = time.perf_counter()
    report, _ = check_folder(root)
    assert time.perf_counter() - started < 4
    assert {d.path: d.reason for d in report.documents}["letter.docx"] == (
        "a document too large to read"
    )
    [problem] = [p for p in report.problems if p.path == "letter.docx"]
    assert "too large" in problem.message and "save it as PDF" in problem.fix


def test_a_long_word_document_is_read_with_its_headings(tmp_path: Path) -> None:
    import time

    from packet.formats import word

    path = _word_document(tmp_path / "letter.docx", 10_000)  # 750 KB of XML
    started = time.perf_counter()
    text = word.to_text(path)
    assert time.perf_counter() - started < 3  # a style lookup per paragraph: 5 s before
    assert text.count("x\n") == 10_000 and "# Consultation" in text


def _pdf_bytes(tmp_path: Path, name: str, text: str) -> bytes:
    return make_pdf(tmp_path / name, text).read_bytes()


def _mime_pdf(data: bytes, name: str, boundary_line: str) -> str:
    import base64

    encoded = base64.encodebytes(data).decode()
    return (
        f"{boundary_line}\nContent-Type: application/pdf; name={name}\n"
        f"Content-Disposition: attachment; filename={name}\n"
        f"Content-Transfer-Encoding: base64\n\n{encoded}\n"
    )


def _nested_email(path: Path, outer: str, pdf: bytes) -> Path:
    """An email whose PDF sits in a multipart/mixed inside an `outer` multipart, with text
    around it: Apple Mail's alternative→mixed, or a forward's mixed→mixed."""
    head = (
        "From: a@example.com\nTo: b@example.com\nSubject: results\n"
        "Date: Tue, 10 Feb 2026 09:30:00 -0500\nMIME-Version: 1.0\n"
        f'Content-Type: multipart/{outer}; boundary="OUT"\n\n'
    )
    plain = "--OUT\nContent-Type: text/plain; charset=utf-8\n\nThe report is attached.\n"
    inner = (
        '--OUT\nContent-Type: multipart/mixed; boundary="IN"\n\n'
        "--IN\nContent-Type: text/html; charset=utf-8\n\n<p>The report is attached.</p>\n"
        + _mime_pdf(pdf, "report.pdf", "--IN")
        + "--IN\nContent-Type: text/html; charset=utf-8\n\n<p>Call me after.</p>\n--IN--\n"
    )
    path.write_text(head + plain + inner + "--OUT--\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("outer", ["alternative", "mixed"])
def test_an_attachment_inside_a_nested_multipart_is_not_lost(tmp_path: Path, outer: str) -> None:
    root = records_folder(tmp_path)
    pdf = _pdf_bytes(tmp_path, "src.pdf", CONSULT_TEXT)
    _nested_email(root / "mail.eml", outer, pdf)
    status = _status(root)
    assert status["mail.eml"][0] is DocumentStatus.INCLUDED
    assert status["mail.eml/report.pdf"][0] is DocumentStatus.INCLUDED
    _check_and_build(root, tmp_path)


def test_a_forwarded_email_keeps_the_text_that_follows_its_attachment(tmp_path: Path) -> None:
    from packet.formats import mail

    pdf = _pdf_bytes(tmp_path, "src.pdf", CONSULT_TEXT)
    message = mail.read(_nested_email(tmp_path / "m.eml", "mixed", pdf))
    assert "Call me after." in message.text
    assert [name for name, _ in message.attachments] == ["report.pdf"]


def _zip_of_same_names(path: Path, first: bytes, second: bytes) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("report.pdf", first)
        archive.writestr("report.pdf", second)


def test_two_members_of_one_name_are_listed_and_built_apart(tmp_path: Path) -> None:
    import warnings

    from pypdf import PdfReader

    root = records_folder(tmp_path)
    make_pdf(root / "consult.pdf", CONSULT_TEXT)
    first = _pdf_bytes(tmp_path, "a.pdf", "Lakeside Oncology\nFirst letter about the biopsy")
    second = _pdf_bytes(tmp_path, "b.pdf", "Lakeside Oncology\nSecond letter about the scan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name
        _zip_of_same_names(root / "export.zip", first, second)
    status = _status(root)
    assert status["export.zip/report.pdf"][0] is DocumentStatus.INCLUDED
    assert status["export.zip/report (2).pdf"][0] is DocumentStatus.INCLUDED
    built = runner.invoke(app, ["build", str(root), "-o", str(tmp_path / "p.pdf")])
    assert built.exit_code == 0, built.output
    assert "changed while" not in built.output
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "p.pdf").pages)
    assert "First letter" in text and "Second letter" in text


def test_two_attachments_of_one_name_are_both_listed(tmp_path: Path) -> None:
    root = records_folder(tmp_path)
    first = _pdf_bytes(tmp_path, "a.pdf", "Lakeside Oncology\nFirst letter about the biopsy")
    second = _pdf_bytes(tmp_path, "b.pdf", "Lakeside Oncology\nSecond letter about the scan")
    (root / "mail.eml").write_text(
        "From: a@example.com\nTo: b@example.com\nSubject: two\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="B"\n\n'
        "--B\nContent-Type: text/plain\n\nTwo letters.\n"
        + _mime_pdf(first, "report.pdf", "--B")
        + _mime_pdf(second, "report.pdf", "--B")
        + "--B--\n",
        encoding="utf-8",
    )
    status = _status(root)
    assert status["mail.eml/report.pdf"][0] is DocumentStatus.INCLUDED
    assert status["mail.eml/report (2).pdf"][0] is DocumentStatus.INCLUDED


def test_two_file_names_that_differ_only_in_encoding_are_listed_apart(tmp_path: Path) -> None:
    import os

    root = records_folder(tmp_path)
    make_pdf(root / "consult.pdf", CONSULT_TEXT)
    utf8 = os.fsencode(root) + b"/r\xc3\xa9sum\xc3\xa9.txt"  # résumé.txt in UTF-8
    latin = os.fsencode(root) + b"/r\xe9sum\xe9.txt"  # the same name in Windows' cp1252
    try:
        Path(os.fsdecode(utf8)).write_text("Lakeside Oncology\nThe first note\n")
        Path(os.fsdecode(latin)).write_text("Lakeside Oncology\nThe second note\n")
    except (OSError, UnicodeError):
        pytest.skip("this file system keeps only UTF-8 names")
    status = _status(root)
    assert status["résumé.txt"][0] is DocumentStatus.INCLUDED
    assert status["résumé (2).txt"][0] is DocumentStatus.INCLUDED
    built = runner.invoke(app, ["build", str(root), "-o", str(tmp_path / "p.pdf")])
    assert built.exit_code == 0 and "changed while" not in built.output, built.output


@pytest.mark.parametrize("charset", ["iso-8859-8-i", "windows-874", "unknown-8bit"])
def test_an_email_in_a_charset_python_does_not_know_is_read_with_a_warning(
    tmp_path: Path, charset: str
) -> None:
    root = records_folder(tmp_path)
    pdf = _pdf_bytes(tmp_path, "src.pdf", CONSULT_TEXT)
    (root / "mail.eml").write_bytes(
        (
            "From: a@example.com\nTo: b@example.com\nSubject: results\nMIME-Version: 1.0\n"
            'Content-Type: multipart/mixed; boundary="B"\n\n'
            f"--B\nContent-Type: text/plain; charset={charset}\n"
            "Content-Transfer-Encoding: 8bit\n\n"
        ).encode()
        + b"Biopsy results attached \xe0\xe1\xe2\n"
        + _mime_pdf(pdf, "report.pdf", "--B").encode()
        + b"--B--\n"
    )
    status = _status(root)
    assert status["mail.eml"][0] is DocumentStatus.INCLUDED
    assert status["mail.eml/report.pdf"][0] is DocumentStatus.INCLUDED
    report, _ = check_folder(root)
    [problem] = [p for p in report.problems if p.path == "mail.eml" and charset in p.message]
    assert problem.severity == "warning" and problem.fix


def _docx_with_body(path: Path, body: str, extra: dict[str, bytes] | None = None) -> Path:
    """A .docx whose body is `body` (WordprocessingML), with `extra` parts added: a name of the
    form 'rel:rId9:type:target' adds a relationship of the document to that part."""
    import docx

    source = path.with_suffix(".src.docx")
    docx.Document().save(str(source))
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "word/document.xml":
                start = data.index(b"<w:body>") + len(b"<w:body>")
                data = data[:start] + body.encode() + data[data.index(b"<w:sectPr", start) :]
            if item.filename == "word/_rels/document.xml.rels":
                for name in extra or {}:
                    if name.startswith("rel:"):
                        _, rid, kind, target = name.split(":", 3)
                        rel = (
                            f'<Relationship Id="{rid}" Type="http://schemas.openxmlformats.org/'
                            f'officeDocument/2006/relationships/{kind}" Target="{target}"/>'
                        )
                        data = data.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"<Default ",
                    b'<Default Extension="htm" ContentType="text/html"/>'
                    b'<Default Extension="rtf" ContentType="application/rtf"/><Default ',
                    1,
                )
            new.writestr(item.filename, data)
        for name, data in (extra or {}).items():
            if not name.startswith("rel:"):
                new.writestr(name, data)
    source.unlink()
    return path


A_NS = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
PIC_NS = 'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"'
TEXT_BOX = (
    "<w:p><w:r><mc:AlternateContent><mc:Choice Requires='wps'><w:drawing><wp:anchor>"
    f"<a:graphic {A_NS}>"
    "<a:graphicData><wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>SURGICAL PATHOLOGY REPORT"
    "</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic>"
    "</wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>"
    "<w:txbxContent><w:p><w:r><w:t>SURGICAL PATHOLOGY REPORT</w:t></w:r></w:p></w:txbxContent>"
    "</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
)


def test_a_word_document_whose_text_is_in_a_text_box_is_read(tmp_path: Path) -> None:
    from packet.formats import word

    text = word.to_text(_docx_with_body(tmp_path / "w.docx", TEXT_BOX))
    assert text.count("SURGICAL PATHOLOGY REPORT") == 1  # the fallback is the same box


def test_a_word_document_whose_text_is_in_an_alt_chunk_is_read(tmp_path: Path) -> None:
    from packet.formats import word

    page = b"<html><body><h1>Operative note</h1><p>Left mastectomy.</p></body></html>"
    path = _docx_with_body(
        tmp_path / "w.docx",
        '<w:altChunk r:id="rId90"/>',
        {"word/chunk.htm": page, "rel:rId90:aFChunk:chunk.htm": b""},
    )
    text = word.to_text(path)
    assert "Operative note" in text and "Left mastectomy." in text


@pytest.mark.parametrize("what", ["picture", "rtf chunk"])
def test_a_word_document_without_readable_text_is_listed_not_included_blank(
    tmp_path: Path, what: str
) -> None:
    root = records_folder(tmp_path)
    make_pdf(root / "consult.pdf", CONSULT_TEXT)
    if what == "picture":
        body = (
            "<w:p><w:r><w:drawing><wp:inline>"
            f"<a:graphic {A_NS}><a:graphicData><pic:pic {PIC_NS}><pic:blipFill>"
            '<a:blip r:embed="rId91"/></pic:blipFill></pic:pic></a:graphicData></a:graphic>'
            "</wp:inline></w:drawing></w:r></w:p>"
        )
        _docx_with_body(root / "letter.docx", body)
    else:
        _docx_with_body(
            root / "letter.docx",
            '<w:altChunk r:id="rId90"/>',
            {"word/chunk.rtf": b"{\\rtf1 Operative note}", "rel:rId90:aFChunk:chunk.rtf": b""},
        )
    status = _status(root)
    assert status["letter.docx"][0] is DocumentStatus.EXCLUDED
    report, _ = check_folder(root)
    [problem] = [p for p in report.problems if p.path == "letter.docx"]
    assert "save it as PDF" in problem.fix


def test_a_memo_with_email_like_first_lines_is_read_as_text_whole(tmp_path: Path) -> None:
    root = records_folder(tmp_path)
    (root / "memo.txt").write_text(
        "From: Dr. Rivera\nTo: Tumor board\nDate: 2026-02-10\nSubject: Ana Example\n"
        "Patient: Ana Example, born 1961-04-02\nRe-staging CT is booked\nfor next week.\n\nPlan: surgery after chemotherapy.\n"
    )
    from packet.index import index_folder

    index = index_folder(root)
    [doc] = [d for d in index.documents if d.path == "memo.txt"]
    text = index.sources["memo.txt"].read_text()
    for line in ("From: Dr. Rivera", "Subject: Ana Example", "Patient: Ana Example", "Plan:"):
        assert line in text
    assert doc.status is DocumentStatus.INCLUDED


def _zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_nested_archives_share_their_top_level_files_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each nested archive had a budget of its own: 14.8 KB of nested zips wrote 1 GB.
    monkeypatch.setattr(unpack, "MAX_TOTAL", 8_000_000)

    def inner() -> bytes:
        return _zip_bytes({"scan.txt": CONSULT_TEXT.encode() + os.urandom(1_500_000)})

    root = records_folder(tmp_path)
    (root / "outer.zip").write_bytes(_zip_bytes({f"inner{n}.zip": inner() for n in range(3)}))
    (root / "other.zip").write_bytes(_zip_bytes({"inner.zip": inner()}))  # a budget of its own
    status = _status(root)
    inside = [status[f"outer.zip/inner{n}.zip/scan.txt"] for n in range(3)]
    assert [s for s, _ in inside].count(DocumentStatus.INCLUDED) == 2, inside
    assert any("more than packet opens" in reason for _, reason in inside)
    assert status["other.zip/inner.zip/scan.txt"][0] is DocumentStatus.INCLUDED
    report, _ = check_folder(root)
    assert any("at most 0.008 GB from one file" in p.message for p in report.problems)


def test_a_full_temporary_disk_names_the_folder_and_costs_only_the_member(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "No space left on device" failed the whole run, naming neither file nor folder; inside a
    # zip, members were called damaged.
    root = records_folder(tmp_path)
    make_pdf(root / "consult.pdf", CONSULT_TEXT)
    (root / "export.zip").write_bytes(_zip_bytes({"note.txt": CONSULT_TEXT.encode()}))
    _email(root / "mail.eml", "Subject: Records\n", "See attached.\n")
    real_open, real_write = Path.open, Path.write_bytes

    def full(path: Path, *args: Any, **kwargs: Any) -> Any:
        if str(path).startswith(str(unpack._temp_folder())):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return (real_write if args and isinstance(args[0], bytes) else real_open)(
            path, *args, **kwargs
        )

    monkeypatch.setattr(Path, "open", lambda path, *a, **k: full(path, *a, **k))
    monkeypatch.setattr(Path, "write_bytes", lambda path, data: full(path, data))
    report, _ = check_folder(root)
    docs = {d.path: d for d in report.documents}
    assert docs["consult.pdf"].status is DocumentStatus.INCLUDED
    for shown in ("export.zip/note.txt", "mail.eml"):
        assert docs[shown].status is DocumentStatus.EXCLUDED, shown
        assert "temporary folder is full" in docs[shown].reason
        [problem] = [p for p in report.problems if p.path == shown]
        assert str(unpack._temp_folder().parent) in problem.message
        assert "TMPDIR" in problem.fix


def _with_transfer_syntax(path: Path, uid: bytes) -> None:
    """The file meta group's transfer syntax replaced (its group length left as it was)."""
    data = bytearray(path.read_bytes())
    at = data.index(struct.pack("<HH", 0x0002, 0x0010))
    length = struct.unpack_from("<H", data, at + 6)[0]
    uid += b"\0" * (len(uid) % 2)
    data[at + 6 : at + 8 + length] = struct.pack("<H", len(uid)) + uid
    path.write_bytes(bytes(data))


def _huge_length(path: Path, tag: tuple[int, int]) -> None:
    """One long-form element's 4-byte length set to 0xFFFFFFF0 (about 4 GB)."""
    data = bytearray(path.read_bytes())
    at = data.index(struct.pack("<HH", *tag))
    struct.pack_into("<I", data, at + 8, 0xFFFFFFF0)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", ["deflate syntax", "4 GB element"])
def test_a_scan_file_found_by_the_fuzz_test_costs_only_itself(tmp_path: Path, damage: str) -> None:
    """Found by tests/benchmarks/fuzz_formats.py: a file that says its data is deflated when it
    is not (zlib.error), and one element announcing 4 GB (pydicom asked the file for 4 GB, and
    Python allocates that before reading: MemoryError under a memory limit)."""
    import tracemalloc

    from packet.dicom import read_header

    root = records_folder(tmp_path)
    make_pdf(root / "consult.pdf", CONSULT_TEXT)
    damaged = make_dicom(root / "disc" / "IM1", instance=1)
    make_dicom(root / "disc" / "IM2", instance=2)
    if damage == "deflate syntax":
        _with_transfer_syntax(damaged, b"1.2.840.10008.1.2.1.99")  # deflated explicit VR
    else:
        ds_tag = (0x0008, 0x0016)  # SOP Class UID, made a long-form value of 4 GB
        data = bytearray(damaged.read_bytes())
        at = data.index(struct.pack("<HH", *ds_tag))
        data[at + 4 : at + 6] = b"OB"
        damaged.write_bytes(bytes(data[: at + 8]) + b"\0\0\0\0" + bytes(data[at + 8 :]))
        _huge_length(damaged, ds_tag)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError):  # damaged, or no study left once read as far as it goes
            read_header(damaged, "disc/IM1")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50_000_000, f"{peak:,} bytes"  # the 4 GB were never asked for
    report, _ = check_folder(root)
    assert {d.path: d.reason for d in report.documents}["disc/IM1"] == "damaged scan file"
    [study] = report.imaging_studies
    assert study.images == 1
    _check_and_build(root, tmp_path)


def test_a_zip_of_an_unknown_version_is_listed_as_damaged(tmp_path: Path) -> None:
    """Found by the fuzz test: zipfile raises NotImplementedError for a central directory
    entry whose 'version needed' is one it does not know; Word's check for its own parts
    let it escape and stop both commands."""
    root = records_folder(tmp_path)
    make_pdf(root / "consult.pdf", CONSULT_TEXT)
    path = _word_document(root / "letter.docx", 3)
    data = bytearray(path.read_bytes())
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<H", data, central + 6, 149)  # version needed to extract: 14.9
    path.write_bytes(bytes(data))
    status = _status(root)
    assert status["letter.docx"] == (DocumentStatus.EXCLUDED, "damaged Word document")
    assert status["consult.pdf"][0] is DocumentStatus.INCLUDED
    _check_and_build(root, tmp_path)


def test_an_email_whose_content_type_is_huge_is_parsed_in_seconds(tmp_path: Path) -> None:
    """Found by the fuzz test: the stdlib's parser reads each part's Content-Type while it
    parses the message, before packet could cut it: 400 KB of addresses in it took two
    minutes. Now it is cut (to 2,000 characters) whoever reads it first."""
    import time

    from packet.formats import mail

    path = tmp_path / "m.eml"
    path.write_text(
        "Content-Type: " + "b@x.org, " * 45_000 + "\nFrom: a@example.com\nSubject: visit\n"
        "MIME-Version: 1.0\n\nHello\n",
        encoding="utf-8",
    )
    started = time.perf_counter()
    message = mail.read(path)
    assert time.perf_counter() - started < 5  # unbounded: about 120 s
    assert "Content-Type" in message.cut and "Hello" in message.text


def test_a_reader_that_fails_in_a_way_no_one_foresaw_costs_only_its_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one guard of a record's reading: whatever escapes a format's own handling makes that
    record unreadable, with a fix, and the others are read."""
    from packet import index

    root = records_folder(tmp_path)
    make_pdf(root / "consult.pdf", CONSULT_TEXT)
    (root / "note.txt").write_text("Lakeside Oncology\nA note\n")
    real = index.read_file

    def failing(path: Path, relative: str, *args: object, **kwargs: object) -> object:
        if relative == "note.txt":
            raise MemoryError
        return real(path, relative, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(index, "read_file", failing)
    status = _status(root)
    assert status["note.txt"][0] is DocumentStatus.EXCLUDED
    assert status["consult.pdf"][0] is DocumentStatus.INCLUDED
    report, _ = check_folder(root)
    [problem] = [p for p in report.problems if p.path == "note.txt"]
    assert "MemoryError" in problem.message and problem.fix


def test_a_word_longer_than_many_lines_is_broken_in_a_moment() -> None:
    """Found by the fuzz test: an email's 16,000-letter Cc header became one word on its page,
    and breaking it measured it from its whole length down a letter at a time (20 s)."""
    import time

    from packet.layout import width_of, wrap

    started = time.perf_counter()
    lines = wrap("a" * 16_000 + " end", 400, 10)
    assert time.perf_counter() - started < 2
    assert "".join(lines[:-1]) + lines[-1].removesuffix(" end") == "a" * 16_000
    assert all(width_of(line, 10) <= 400 for line in lines)
    assert width_of(lines[0] + "a", 10) > 400  # each line as full as it can be


def test_an_email_whose_address_header_the_parser_fails_on_keeps_its_attachments(
    tmp_path: Path,
) -> None:
    """The stdlib's header parser raises IndexError on an address followed by an open quote;
    that cost the whole email and its attachments ('could not be read'). The header is shown
    as written instead."""
    root = records_folder(tmp_path)
    pdf = _pdf_bytes(tmp_path, "src.pdf", CONSULT_TEXT)
    (root / "mail.eml").write_text(
        'From: a@example.com\nTo: =?utf-8?q?a?=@x, "\nSubject: results\nMIME-Version: 1.0\n'
        'Content-Type: multipart/mixed; boundary="B"\n\n'
        "--B\nContent-Type: text/plain\n\nThe report.\n"
        + _mime_pdf(pdf, "report.pdf", "--B")
        + "--B--\n",
        encoding="utf-8",
    )
    status = _status(root)
    assert status["mail.eml"][0] is DocumentStatus.INCLUDED
    assert status["mail.eml/report.pdf"][0] is DocumentStatus.INCLUDED
