"""Hostile and broken input: every fault in the corpus is reported with a fix by `check`,
included or listed as not included by `build`, and never crashes either.

The corpus is generated here (see tests/FAULTS.md for the table of what each file is for).
"""

from __future__ import annotations

import io
import os
import re
import struct
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript
from reportlab.pdfgen import canvas
from typer.testing import CliRunner

from packet.build import BuildOptions, build_packet
from packet.check import check_folder
from packet.cli import app
from packet.models import DocumentStatus, ProblemKind

from conftest import CONSULT_TEXT, fingerprint, make_pdf, records_folder
from rawpdf import HELVETICA, link, one_page, raw_pdf

runner = CliRunner()
SECRET = "EXCLUDED-MARKER-7731"  # text that lives only in files that must stay out of the packet


def _encrypted(tmp: Path, algorithm: str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        source = make_pdf(tmp / f"plain-{algorithm}.pdf", CONSULT_TEXT + f"\n{SECRET}")
        writer = PdfWriter(clone_from=PdfReader(source))
        writer.encrypt(user_password="open sesame", owner_password="owner", algorithm=algorithm)
        with path.open("wb") as f:
            writer.write(f)

    return make


def _broken_xref(path: Path) -> None:
    data = make_pdf(path.with_suffix(".src"), CONSULT_TEXT).read_bytes()
    offset = data.rindex(b"startxref")
    path.write_bytes(
        data[:offset] + b"startxref\n999999\n%%EOF\n"
    )  # points nowhere: must be rebuilt


def _truncated(path: Path) -> None:
    data = make_pdf(path.with_suffix(".src"), CONSULT_TEXT, "second page").read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _active_content(path: Path) -> None:
    source = make_pdf(path.with_suffix(".src"), CONSULT_TEXT)
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.add_open_action(JavaScript("app.alert('hello');"))
    writer.add_attachment("secret.txt", SECRET.encode())
    with path.open("wb") as f:
        writer.write(f)


def _form(path: Path) -> None:
    c = canvas.Canvas(str(path))
    c.drawString(72, 720, "MEDICATION RECONCILIATION FORM")
    c.acroForm.textfield(name="drug", value="letrozole", x=72, y=650, width=200, height=20)
    c.showPage()
    c.save()


def _many_pages(path: Path) -> None:
    c = canvas.Canvas(str(path), invariant=1)
    for n in range(1000):
        c.drawString(72, 720, f"PROGRESS NOTE page {n + 1}")
        c.showPage()
    c.save()


def _sized(width: float, height: float) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        make_pdf(path, "LAB RESULTS", size=(width, height))

    return make


def _png_zero_size(path: Path) -> None:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", 0, 0, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b""))


def _bad_exif(path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 9  # no such orientation
    exif[0x9003] = "not a date at all"
    Image.new("RGB", (300, 200), (90, 90, 90)).save(path, "JPEG", exif=exif)


def _cmyk_jpeg(path: Path) -> None:
    Image.new("CMYK", (300, 400), (0, 40, 80, 10)).save(path, "JPEG")


def _cmyk_tiff(path: Path) -> None:
    Image.new("CMYK", (300, 400), (10, 20, 30, 0)).save(path, "TIFF")


def _tiff_16bit(path: Path) -> None:
    Image.new("I;16", (300, 400), 40000).save(path, "TIFF")


def _html_as_pdf(path: Path) -> None:
    path.write_text(f"<!DOCTYPE html><html><body>Your session expired {SECRET}</body></html>")


def _garbage_after_header(path: Path) -> None:
    path.write_bytes(b"%PDF-1.7\n" + os.urandom(2000))


# name -> (how to make it, what must become of it)
CORPUS: dict[str, tuple[str, str]] = {
    "zero.pdf": ("zero-byte file", "excluded"),
    "garbage.pdf": ("garbage after a %PDF header", "excluded"),
    "truncated.pdf": ("half of a PDF (download cut off)", "either"),
    "broken xref.pdf": ("cross-reference table pointing nowhere (repairable)", "included"),
    "locked rc4.pdf": ("open password, RC4-128", "excluded"),
    "locked aes128.pdf": ("open password, AES-128", "excluded"),
    "locked aes256.pdf": ("open password, AES-256", "excluded"),
    "active content.pdf": ("document JavaScript and an attached file", "included"),
    "form.pdf": ("a fillable form", "included"),
    "thousand pages.pdf": ("1,000 pages", "included"),
    "tiny page.pdf": ("a 3 x 3 pt page", "included"),
    "huge page.pdf": ("a 14,400 x 14,400 pt page", "included"),
    "zero size.png": ("a PNG of 0 x 0 pixels", "excluded"),
    "bad exif.jpg": ("orientation 9 and a nonsense EXIF date", "included"),
    "cmyk.jpg": ("CMYK JPEG", "included"),
    "cmyk.tif": ("CMYK TIFF", "included"),
    "16bit.tif": ("16-bit greyscale TIFF", "included"),
    "portal.pdf": ("an HTML page saved as .pdf", "excluded"),
    ("x" * 200 + ".pdf"): ("a very long file name", "included"),
}


@pytest.fixture
def fault_folder(tmp_path: Path) -> Path:
    root = records_folder(tmp_path, "records")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    makers: dict[str, Callable[[Path], None]] = {
        "zero.pdf": lambda p: p.write_bytes(b""),
        "garbage.pdf": _garbage_after_header,
        "truncated.pdf": lambda p: (
            _truncated(scratch / "t.pdf") or p.write_bytes((scratch / "t.pdf").read_bytes())
        ),
        "broken xref.pdf": lambda p: (
            _broken_xref(scratch / "x.pdf") or p.write_bytes((scratch / "x.pdf").read_bytes())
        ),
        "locked rc4.pdf": _encrypted(scratch, "RC4-128"),
        "locked aes128.pdf": _encrypted(scratch, "AES-128"),
        "locked aes256.pdf": _encrypted(scratch, "AES-256"),
        "active content.pdf": lambda p: (
            _active_content(scratch / "a.pdf") or p.write_bytes((scratch / "a.pdf").read_bytes())
        ),
        "form.pdf": _form,
        "thousand pages.pdf": _many_pages,
        "tiny page.pdf": _sized(3, 3),
        "huge page.pdf": _sized(14400, 14400),
        "zero size.png": _png_zero_size,
        "bad exif.jpg": _bad_exif,
        "cmyk.jpg": _cmyk_jpeg,
        "cmyk.tif": _cmyk_tiff,
        "16bit.tif": _tiff_16bit,
        "portal.pdf": _html_as_pdf,
        ("x" * 200 + ".pdf"): lambda p: make_pdf(p, CONSULT_TEXT),
    }
    for name, make in makers.items():
        make(root / name)
    latin1 = os.fsdecode("r\xe9sultats.pdf".encode("latin-1"))
    make_pdf(root / latin1, CONSULT_TEXT + "\nnon-UTF-8 name")
    (root / "loop").symlink_to(root)
    outside = make_pdf(tmp_path / "outside.pdf", CONSULT_TEXT + f"\n{SECRET}")
    (root / "outside link.pdf").symlink_to(outside)
    return root


def _status(folder: Path) -> dict[str, DocumentStatus]:
    report, _ = check_folder(folder)
    return {d.path: d.status for d in report.documents}


def test_check_reports_every_fault_with_a_fix_and_never_crashes(fault_folder: Path) -> None:
    report, _ = check_folder(fault_folder)
    docs = {d.path: d for d in report.documents}
    problems: dict[str, list[str]] = {}
    for p in report.problems:
        problems.setdefault(p.path or "", []).append(p.fix)
    for name, (what, expected) in CORPUS.items():
        doc = docs[name]
        if expected == "included":
            assert doc.status is DocumentStatus.INCLUDED, (name, what, doc.reason)
        elif expected == "excluded":
            assert doc.status is DocumentStatus.EXCLUDED, (name, what)
            assert doc.reason and all(problems[name]), (name, what)
        else:
            assert name in problems, (name, what)  # included with a warning, or excluded
    assert docs["loop"].status is DocumentStatus.EXCLUDED
    assert docs["outside link.pdf"].status is DocumentStatus.EXCLUDED
    assert docs["résultats.pdf"].status is DocumentStatus.INCLUDED
    assert docs["thousand pages.pdf"].pages == 1000
    assert any(
        p.path == "active content.pdf" and "JavaScript" in p.message for p in report.problems
    )


def test_build_includes_what_it_can_lists_the_rest_and_leaks_nothing(
    fault_folder: Path, tmp_path: Path
) -> None:
    before = fingerprint(fault_folder)
    out = tmp_path / "packet.pdf"
    result = build_packet(fault_folder, BuildOptions(output=out))
    assert fingerprint(fault_folder) == before
    pdf = pdfium.PdfDocument(str(out))
    assert len(pdf) == result.pages
    # every file is either a record in the packet or on the "not included" list
    report, _ = check_folder(fault_folder)
    listed = {path for path, _ in result.left_out}
    for doc in report.documents:
        if doc.status is not DocumentStatus.INCLUDED:
            assert doc.path in listed or any(
                doc.path.startswith(p.split(" (")[0]) for p in listed
            ), doc.path
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert SECRET not in text
    assert "secret.txt" not in out.read_bytes().decode("latin-1")  # the attachment stayed out
    assert b"/JavaScript" not in out.read_bytes()
    assert re.search(r"Page 1 of \d+", text)


def test_passwords_unlock_every_encryption_kind(fault_folder: Path, tmp_path: Path) -> None:
    passwords = {f"locked {kind}.pdf": "open sesame" for kind in ("rc4", "aes128", "aes256")}
    report, _ = check_folder(fault_folder, passwords=passwords)
    docs = {d.path: d for d in report.documents}
    for name in passwords:
        assert docs[name].status is DocumentStatus.INCLUDED, name
    out = tmp_path / "unlocked.pdf"
    result = build_packet(fault_folder, BuildOptions(output=out, passwords=passwords))
    assert not [p for p, _ in result.left_out if p.startswith("locked")]


def test_ask_passwords_prompts_without_echo_and_stores_nothing(
    fault_folder: Path, tmp_path: Path
) -> None:
    before = fingerprint(fault_folder)
    answers = "open sesame\n" * 3
    result = runner.invoke(
        app, ["check", "--ask-passwords", "--json", str(fault_folder)], input=answers
    )
    assert "open sesame" not in result.output
    data = __import__("json").loads(result.stdout[result.stdout.index("{") :])
    statuses = {d["path"]: d["status"] for d in data["documents"]}
    assert statuses["locked aes256.pdf"] == "included"
    assert fingerprint(fault_folder) == before


def test_an_encrypted_packet_opens_only_with_its_password(tmp_path: Path) -> None:
    root = records_folder(tmp_path)
    make_pdf(root / "visit.pdf", CONSULT_TEXT)
    out = tmp_path / "locked.pdf"
    result = runner.invoke(
        app, ["build", str(root), "-o", str(out), "--encrypt"], input="s3cret!\ns3cret!\n"
    )
    assert result.exit_code == 0, result.output
    reader = PdfReader(out)
    assert reader.is_encrypted
    assert reader.decrypt("wrong") == 0
    assert reader.decrypt("s3cret!") != 0 and len(reader.pages) > 1
    assert "/AESV3" in str(reader.trailer["/Encrypt"].get_object().get("/CF", ""))


def test_an_unreadable_file_is_reported_not_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "r"
    make_pdf(root / "fine.pdf", CONSULT_TEXT)
    make_pdf(root / "no access.pdf", CONSULT_TEXT)
    real_open = Path.open

    def failing_open(self: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.name == "no access.pdf":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", failing_open)
    report, _ = check_folder(root)
    docs = {d.path: d for d in report.documents}
    assert docs["fine.pdf"].status is DocumentStatus.INCLUDED
    assert docs["no access.pdf"].status is DocumentStatus.EXCLUDED
    assert [p.kind for p in report.problems if p.path == "no access.pdf"] == [
        ProblemKind.UNREADABLE_FILE
    ]


def test_a_file_that_changes_while_the_packet_is_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import packet.build

    root = records_folder(tmp_path)
    make_pdf(root / "a visit.pdf", CONSULT_TEXT)
    make_pdf(root / "b visit.pdf", CONSULT_TEXT + "\nmore")
    real_check = packet.build.check_folder

    def check_then_change(*args, **kwargs):  # type: ignore[no-untyped-def]
        outcome = real_check(*args, **kwargs)
        (root / "b visit.pdf").write_bytes(b"%PDF-1.4\nhalf written")  # a sync tool replaces it
        return outcome

    monkeypatch.setattr(packet.build, "check_folder", check_then_change)
    result = build_packet(root, BuildOptions(output=tmp_path / "p.pdf"))
    reasons = dict(result.left_out)
    assert "changed" in reasons["b visit.pdf"]
    assert result.documents == 1


@pytest.fixture(scope="module")
def valid_pdf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("src") / "valid.pdf"
    return make_pdf(path, CONSULT_TEXT, "a second page").read_bytes()


# The same 40 examples on every run (derandomize), so that a new find fails the run of the
# change that makes it, not a later one; explore further by raising max_examples and turning
# derandomize off for a run (400 examples, twice, passed when this was written).
@settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_randomly_corrupted_pdfs_never_crash_and_are_never_lost(
    valid_pdf: bytes, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    corrupted = bytearray(valid_pdf)
    for _ in range(data.draw(st.integers(1, 20), label="flips")):
        at = data.draw(st.integers(0, len(corrupted) - 1), label="offset")
        corrupted[at] = data.draw(st.integers(0, 255), label="byte")
    cut = data.draw(st.integers(len(corrupted) // 3, len(corrupted)), label="length")
    root = records_folder(tmp_path_factory.mktemp("fuzz"))
    (root / "mangled.pdf").write_bytes(bytes(corrupted[:cut]))
    make_pdf(root / "intact.pdf", CONSULT_TEXT)
    report, _ = check_folder(root)
    assert {d.path for d in report.documents} == {"mangled.pdf", "intact.pdf"}
    result = build_packet(root, BuildOptions(output=root.parent / f"{root.name}.pdf"))
    listed = {path for path, _ in result.left_out}
    mangled = next(d for d in report.documents if d.path == "mangled.pdf")
    assert mangled.status is DocumentStatus.INCLUDED or "mangled.pdf" in listed
    assert result.documents == len(report.documents) - len(listed)


def test_no_command_but_init_writes_in_the_folder(fault_folder: Path, tmp_path: Path) -> None:
    before = fingerprint(fault_folder)
    for args in (
        ["check", str(fault_folder)],
        ["check", "--json", str(fault_folder)],
        ["timeline", str(fault_folder)],
        ["timeline", "--json", str(fault_folder)],
        ["compare", str(fault_folder)],
        ["build", str(fault_folder), "-o", str(tmp_path / "p.pdf")],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code in (0, 1), (args, result.output)
        assert "Traceback" not in result.output
    assert fingerprint(fault_folder) == before
    runner.invoke(app, ["init", str(fault_folder)])
    after = fingerprint(fault_folder)
    assert {k: v for k, v in after.items() if k in before} == before  # init only adds


def test_a_page_with_a_damaged_type_is_still_merged(tmp_path: Path, valid_pdf: bytes) -> None:
    # Found by the fuzz test: viewers and PDFium show such a page; pypdf refused to merge it.
    root = records_folder(tmp_path)
    (root / "visit.pdf").write_bytes(valid_pdf.replace(b"/Type /Page\n", b"/Typ\0 /Page\n", 1))
    result = build_packet(root, BuildOptions(output=tmp_path / "p.pdf"))
    assert result.documents == 1 and not result.left_out


def test_damaged_annotations_do_not_stop_the_packet(tmp_path: Path, valid_pdf: bytes) -> None:
    from pypdf.generic import NameObject, NumberObject

    root = records_folder(tmp_path)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(valid_pdf)))
    writer.pages[0][NameObject("/Annots")] = NumberObject(7)  # should be an array of annotations
    with (root / "visit.pdf").open("wb") as f:
        writer.write(f)
    result = build_packet(root, BuildOptions(output=tmp_path / "p.pdf"))
    assert result.documents == 1 and not result.left_out


def test_a_damaged_font_object_does_not_stop_the_packet(tmp_path: Path, valid_pdf: bytes) -> None:
    # Found by the fuzz test: a stray byte inside the font object (not the page) made pypdf fail
    # while the pages were being merged, after the layout was fixed. Every object a page uses is
    # now read when the file is opened, so the file goes to repair (or the list) in time.
    root = records_folder(tmp_path)
    damaged = valid_pdf.replace(b"2 0 obj\n<<", b"2 0 obj\x01<<", 1)
    assert damaged != valid_pdf
    (root / "visit.pdf").write_bytes(damaged)
    make_pdf(root / "intact.pdf", CONSULT_TEXT)
    result = build_packet(root, BuildOptions(output=tmp_path / "p.pdf"))
    assert result.documents + len(result.left_out) == 2
    assert PdfReader(tmp_path / "p.pdf").pages  # a packet, whatever became of the damaged file


@pytest.mark.parametrize("damage", ["fonts", "content"])
def test_damaged_resources_or_content_do_not_stop_the_packet(
    tmp_path: Path, valid_pdf: bytes, damage: str
) -> None:
    # Found by the fuzz test: a font dictionary that had become an array, and content that was
    # not a stream, stopped the build while pages were stamped or the packet was written.
    from pypdf.generic import ArrayObject, NameObject, TextStringObject

    root = records_folder(tmp_path)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(valid_pdf)))
    page = writer.pages[0]
    if damage == "fonts":
        page["/Resources"][NameObject("/Font")] = ArrayObject([TextStringObject("ab")])
    else:
        page[NameObject("/Contents")] = ArrayObject([TextStringObject("not a stream")])
    with (root / "visit.pdf").open("wb") as f:
        writer.write(f)
    make_pdf(root / "intact.pdf", CONSULT_TEXT)
    result = build_packet(root, BuildOptions(output=tmp_path / "p.pdf"))
    assert result.documents + len(result.left_out) == 2
    assert len(PdfReader(tmp_path / "p.pdf").pages) >= 2


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX limit on open files")
def test_more_records_than_the_open_files_limit_are_all_merged(tmp_path: Path) -> None:
    # macOS allows 256 open files by default; a long history has more PDFs than that.
    import resource

    root = records_folder(tmp_path)
    for n in range(90):
        make_pdf(root / f"visit {n:02d}.pdf", CONSULT_TEXT, f"visit number {n}")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, hard))
    try:
        result = build_packet(root, BuildOptions(output=tmp_path / "p.pdf"))
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert result.left_out == [] and result.documents == 90


# Small, well-formed PDFs (PDFium, qpdf and poppler open them) that once made the whole build
# fail beside healthy records; see tests/FAULTS.md.
ISOLATION = {
    "link action array.pdf": one_page(page_extra=b"/Annots [6 0 R]", more=(link(b"[1 2 3]"),)),
    "link action name.pdf": one_page(page_extra=b"/Annots [6 0 R]", more=(link(b"/JavaScript"),)),
    "link action number.pdf": one_page(page_extra=b"/Annots [6 0 R]", more=(link(b"42"),)),
    "deep resources.pdf": one_page(
        resources=b"<< /Font << /F1 5 0 R >> /Properties " + b"<< /A " * 600 + b"1" + b" >>" * 600
        + b" >>"
    ),
    "names missing object.pdf": one_page(catalog_extra=b"/Names 99 0 R"),
    "dests kid object zero.pdf": one_page(
        catalog_extra=b"/Names << /Dests 6 0 R >>", more=(b"<< /Kids [0 0 R] >>",)
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(ISOLATION))
def test_one_damaged_record_never_stops_the_packet(tmp_path: Path, name: str) -> None:
    root = records_folder(tmp_path)
    (root / name).write_bytes(ISOLATION[name])
    make_pdf(root / "intact.pdf", CONSULT_TEXT)
    result = runner.invoke(app, ["build", str(root), "-o", str(tmp_path / "p.pdf")])
    assert result.exit_code == 0, result.output
    packet = PdfReader(tmp_path / "p.pdf")
    text = "\n".join(page.extract_text() for page in packet.pages)
    assert "MEDICAL ONCOLOGY CONSULTATION" in text  # the healthy record is there
    # The damaged one is in the packet or listed as not included, with its name.
    assert "SURGICAL PATHOLOGY REPORT" in text or name in text


def test_a_record_that_fails_while_merging_is_repaired_or_left_out_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Failures injected where no test file could cause them: whatever one record's pages raise
    # while they are copied (here RecursionError, as pypdf does on absurd nesting) costs only
    # that record, after one try with PDFium's repair.
    import packet.assembly

    real_add_page = PdfWriter.add_page
    tried = []

    def add_page(self: PdfWriter, page: Any, *args: Any, **kwargs: Any) -> Any:
        if "POISON" in page.extract_text():
            tried.append(1)
            raise RecursionError("maximum recursion depth exceeded")
        return real_add_page(self, page, *args, **kwargs)

    monkeypatch.setattr(packet.assembly.PdfWriter, "add_page", add_page)
    root = records_folder(tmp_path)
    make_pdf(root / "poison.pdf", "LAB RESULTS POISON")
    make_pdf(root / "intact.pdf", CONSULT_TEXT)
    result = build_packet(root, BuildOptions(output=tmp_path / "p.pdf"))
    assert result.documents == 1
    assert ("poison.pdf", "damaged PDF: packet could not copy its pages") in result.left_out
    assert len(tried) == 2  # the file as it was, then PDFium's repaired copy
    assert any(p.path == "poison.pdf" for p in result.problems)
    text = "\n".join(page.extract_text() for page in PdfReader(tmp_path / "p.pdf").pages)
    assert "MEDICAL ONCOLOGY CONSULTATION" in text and "LAB RESULTS POISON" not in text


ACTIONS = {
    "uri then javascript": b"<< /S /URI /URI (https://example.org/a) /Next << /S /JavaScript /JS (app.alert(1)) >> >>",
    "rendition with js": b"<< /S /Rendition /JS (app.alert(2)) >>",
    "named then launch": b"<< /S /Named /N /NextPage /Next [<< /S /Launch /F (evil.exe) >>] >>",
    "remote go-to": b"<< /S /GoToR /F (other.pdf) /D [0 /Fit] >>",
    "embedded go-to": b"<< /S /GoToE /T << /R /C /N (x) >> /D [0 /Fit] >>",
    "plain link": b"<< /S /URI /URI (https://example.org/plain) >>",
}  # fmt: skip
FORBIDDEN = ("/JavaScript", "/JS", "/Launch", "/GoToR", "/GoToE", "/Rendition", "/Named")


def _all_objects(reader: PdfReader) -> list[Any]:
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[int] = set()
    found = []
    stack: list[Any] = [reader.trailer["/Root"]]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if item.idnum in seen:
                continue
            seen.add(item.idnum)
            item = item.get_object()
        found.append(item)
        if isinstance(item, DictionaryObject):
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return found


def test_actions_are_allowlisted_wherever_they_hide(tmp_path: Path) -> None:
    from pypdf.generic import DictionaryObject

    annots = b" ".join(b"%d 0 R" % (6 + n) for n in range(len(ACTIONS) + 1))
    more = (
        *(link(action) for action in ACTIONS.values()),
        b"<< /Type /Annot /Subtype /Widget /Rect [72 500 200 520] /AA << /F << /S /JavaScript /JS (x) >> >> >>",
    )
    page_extra = (
        b"/Annots ["
        + annots
        + b"] /PieceInfo << /App << /Private (x) >> >> /AA << /O << /S /JavaScript /JS (y) >> >>"
    )
    root = records_folder(tmp_path)
    (root / "actions.pdf").write_bytes(one_page(page_extra=page_extra, more=more))
    result = build_packet(root, BuildOptions(output=tmp_path / "p.pdf"))
    assert result.documents == 1
    objects = _all_objects(PdfReader(tmp_path / "p.pdf"))
    names = {
        str(v) for o in objects if isinstance(o, DictionaryObject) for v in (*o.keys(), *o.values())
    }
    assert not names & set(FORBIDDEN), names & set(FORBIDDEN)
    assert "/PieceInfo" not in names
    uris = {str(o["/URI"]) for o in objects if isinstance(o, DictionaryObject) and "/URI" in o}
    assert uris == {"https://example.org/a", "https://example.org/plain"}  # links, without tails


def test_actions_in_form_xobjects_and_nested_resources_are_removed(tmp_path: Path) -> None:
    # A JavaScript action in a Form XObject's /AA survived into the packet while `check` said
    # JavaScript was left out: the page's resources are walked, not only the page and its
    # annotations. The form's drawing stays.
    from pypdf.generic import DictionaryObject

    def stream(extra: bytes, body: bytes) -> bytes:
        return b"<< " + extra + b" /Length %d >>\nstream\n" % len(body) + body + b"\nendstream"

    pdf = raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> /XObject << /Fm1 6 0 R >> >> >>",
            stream(b"", b"BT /F1 14 Tf 72 700 Td (SURGICAL PATHOLOGY REPORT) Tj ET /Fm1 Do"),
            HELVETICA,
            stream(
                b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font"
                b" << /F1 5 0 R >> /XObject << /Fm2 7 0 R >> >>"
                b" /AA << /PO << /S /JavaScript /JS (app.alert(1)) >> >>",
                b"BT /F1 12 Tf 72 640 Td (STAMPED FORM TEXT) Tj ET /Fm2 Do",
            ),
            stream(
                b"/Type /XObject /Subtype /Form /BBox [0 0 20 20] /OpenAction 8 0 R"
                b" /A << /S /Launch /F (evil.exe) >>",
                b"0 0 m 10 10 l S",
            ),
            b"<< /S /JavaScript /JS (app.alert(2)) >>",
        ]
    )
    root = records_folder(tmp_path)
    (root / "form.pdf").write_bytes(pdf)
    report, _ = check_folder(root)
    assert any(p.path == "form.pdf" and "JavaScript" in p.message for p in report.problems)
    result = build_packet(root, BuildOptions(output=tmp_path / "p.pdf"))
    assert result.documents == 1
    reader = PdfReader(tmp_path / "p.pdf")
    names = {
        str(v)
        for o in _all_objects(reader)
        if isinstance(o, DictionaryObject)
        for v in (*o.keys(), *o.values())
    }
    assert not names & {*FORBIDDEN, "/AA", "/OpenAction"}, names & {*FORBIDDEN, "/AA"}
    assert b"app.alert" not in (tmp_path / "p.pdf").read_bytes()
    assert "STAMPED FORM TEXT" in "".join(page.extract_text() for page in reader.pages)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_listed_not_waited_on(tmp_path: Path) -> None:
    # A FIFO named pipe.pdf made `check` wait forever for someone to write into it.
    root = records_folder(tmp_path)
    os.mkfifo(root / "pipe.pdf")
    make_pdf(root / "visit.pdf", CONSULT_TEXT)
    report, _ = check_folder(root)  # returns: nothing opened the pipe
    pipe = next(d for d in report.documents if d.path == "pipe.pdf")
    assert pipe.status is DocumentStatus.EXCLUDED and "named pipe" in pipe.reason
    assert any(p.path == "pipe.pdf" for p in report.problems)
    result = build_packet(root, BuildOptions(output=tmp_path / "p.pdf"))
    assert result.documents == 1 and any(path == "pipe.pdf" for path, _ in result.left_out)


def test_caregiver_files_that_link_outside_the_folder_are_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "q.md").write_text(f"- {SECRET} question?\n", encoding="utf-8")
    (outside / "t.csv").write_text(f"date,type,description\n2026-01-02,test,{SECRET}\n")
    root = records_folder(tmp_path)
    (root / "questions.md").symlink_to(outside / "q.md")
    (root / "timeline.csv").symlink_to(outside / "t.csv")
    make_pdf(root / "visit.pdf", CONSULT_TEXT)
    report, _ = check_folder(root)
    flagged = {p.path for p in report.problems if "outside the records folder" in p.message}
    assert flagged == {"questions.md", "timeline.csv"}
    assert not report.questions and not any(SECRET in e.description for e in report.timeline)
    build_packet(root, BuildOptions(output=tmp_path / "p.pdf"))
    text = "\n".join(page.extract_text() for page in PdfReader(tmp_path / "p.pdf").pages)
    assert SECRET not in text


def _png_header_only(path: Path, width: int, height: int) -> None:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b""))


def test_one_absurd_file_costs_seconds_and_says_what_was_cut(tmp_path: Path) -> None:
    from packet.reading import MAX_FRAMES, TEXT_LIMIT

    root = records_folder(tmp_path)
    line = "PROGRESS NOTE the patient is doing well on treatment today\n"
    (root / "huge notes.txt").write_text(line * (3 * TEXT_LIMIT // len(line)), encoding="utf-8")
    _png_header_only(root / "poster.png", 30_000, 30_000)
    frames = [Image.new("L", (40, 40), n * 3) for n in range(MAX_FRAMES + 10)]
    frames[0].save(root / "many frames.gif", save_all=True, append_images=frames[1:])
    report, _ = check_folder(root)
    too_large = {p.path: p.message for p in report.problems if p.kind is ProblemKind.TOO_LARGE}
    assert set(too_large) == {"poster.png", "huge notes.txt", "many frames.gif"}
    assert "not damaged" in too_large["poster.png"]
    frames_doc = next(d for d in report.documents if d.path == "many frames.gif")
    assert frames_doc.pages == MAX_FRAMES
    result = build_packet(root, BuildOptions(output=tmp_path / "p.pdf"))
    assert result.documents == 2 and [p for p, _ in result.left_out] == ["poster.png"]
    packet = PdfReader(tmp_path / "p.pdf")
    assert len(packet.pages) < 200  # not the thousand pages the text and frames would make
    assert any("The file continues" in page.extract_text() for page in packet.pages)


def test_two_builds_to_the_same_new_path_never_replace_each_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import packet.build

    root = records_folder(tmp_path)
    make_pdf(root / "visit.pdf", CONSULT_TEXT)
    target = tmp_path / "p.pdf"
    real_assemble = packet.build.assemble

    def other_build_finishes_first(*args: Any, **kwargs: Any) -> Any:
        target.write_bytes(b"the other build's packet")
        return real_assemble(*args, **kwargs)

    monkeypatch.setattr(packet.build, "assemble", other_build_finishes_first)
    result = runner.invoke(app, ["build", str(root), "-o", str(target)])
    assert result.exit_code == 2, result.output
    assert "another program" in result.output
    assert target.read_bytes() == b"the other build's packet"
    assert not list(tmp_path.glob(".p.pdf.*.part"))


def test_a_part_file_left_by_a_killed_build_is_cleaned_up(tmp_path: Path) -> None:
    root = records_folder(tmp_path)
    make_pdf(root / "visit.pdf", CONSULT_TEXT)
    stale = tmp_path / ".p.pdf.999999999.part"  # no process has this number
    stale.write_bytes(b"half a packet")
    build_packet(root, BuildOptions(output=tmp_path / "p.pdf"))
    assert not stale.exists()


def test_a_pdf_followed_by_zeros_is_merged_without_reading_the_zeros(tmp_path: Path) -> None:
    # An unfinished pre-allocated download: the PDF, then (here 5 MB, in the wild 2 GB of)
    # zeros. pypdf looked for the end marker backwards a line at a time: 245 s and 4.2 GB.
    from packet.opening import pdf_end

    root = records_folder(tmp_path)
    pdf = make_pdf(tmp_path / "visit.pdf", CONSULT_TEXT).read_bytes()
    (root / "visit.pdf").write_bytes(pdf + bytes(5_000_000))
    with (root / "visit.pdf").open("rb") as f:
        assert pdf_end(f) == pdf.rindex(b"%%EOF") + 5
    with (tmp_path / "visit.pdf").open("rb") as f:
        assert pdf_end(f) is None  # a whole PDF ends where its file does
    result = build_packet(root, BuildOptions(output=tmp_path / "p.pdf"))
    assert result.documents == 1 and not result.left_out


def test_a_path_longer_than_the_system_allows_is_listed_not_fatal(tmp_path: Path) -> None:
    root = records_folder(tmp_path)
    make_pdf(root / "visit.pdf", CONSULT_TEXT)
    here = root
    while len(os.fsencode(here)) < 4200:  # made relative to each folder: no call sees it whole
        here = here / ("folder" + "x" * 60)
    fd = os.open(root, os.O_RDONLY)
    try:
        for part in here.relative_to(root).parts:
            os.mkdir(part, dir_fd=fd)
            next_fd = os.open(part, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = next_fd
    finally:
        os.close(fd)
    report, _ = check_folder(root)
    assert any("longer than the system" in p.message for p in report.problems)
    result = build_packet(root, BuildOptions(output=tmp_path / "p.pdf"))
    assert result.documents == 1


def test_file_names_cannot_drive_the_terminal(tmp_path: Path) -> None:
    # An escape sequence recolours or retitles the terminal; U+202E shows "gpj.exe" as "exe.jpg".
    root = records_folder(tmp_path)
    name = "scan\x1b[31mred\x1b]0;title\x07 \u202efdp.exe.pdf"
    make_pdf(root / name, CONSULT_TEXT)
    result = runner.invoke(app, ["check", str(root)])
    assert "\x1b" not in result.output and "\u202e" not in result.output
    assert "\\x1b[31mred" in result.output.replace("\n", "")  # shown, not obeyed
    result = runner.invoke(app, ["check", str(root), "--json"])
    assert "\\u001b" not in result.output and "\\u202e" not in result.output.replace("\\\\", "")


@pytest.mark.parametrize(
    ("code", "says"), [(28, "The disk is full"), (30, "cannot write to"), (13, "cannot write to")]
)
def test_an_output_the_system_refuses_is_named_in_plain_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, says: str
) -> None:
    import packet.build

    def refused(*args: Any, **kwargs: Any) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(packet.build, "write_atomically", refused)
    root = records_folder(tmp_path)
    make_pdf(root / "visit.pdf", CONSULT_TEXT)
    result = runner.invoke(app, ["build", str(root), "-o", str(tmp_path / "p.pdf")])
    assert result.exit_code == 1
    assert says in result.output and "unexpected" not in result.output


def test_check_names_the_actions_the_packet_leaves_out(tmp_path: Path) -> None:
    annots = b" ".join(b"%d 0 R" % (6 + n) for n in range(3))
    more = tuple(
        link(ACTIONS[name]) for name in ("uri then javascript", "named then launch", "remote go-to")
    )
    root = records_folder(tmp_path)
    (root / "actions.pdf").write_bytes(one_page(page_extra=b"/Annots [" + annots + b"]", more=more))
    report, _ = check_folder(root)
    active = next(p for p in report.problems if p.kind is ProblemKind.ACTIVE_CONTENT)
    for words in ("JavaScript", "commands that start programs", "links into other files"):
        assert words in active.message


def test_check_says_included_only_for_what_build_merges(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # check reads with PDFium, build merges with pypdf: check now opens each PDF as build
    # does, so a record whose pages cannot be copied is called excluded by both (injected).
    import packet.opening
    import packet.sources

    real = packet.opening.usable_pages

    def usable_pages(reader: PdfReader, *args: Any) -> None:
        if "POISON" in reader.pages[0].extract_text():
            raise RecursionError("maximum recursion depth exceeded")
        real(reader, *args)

    monkeypatch.setattr(packet.opening, "usable_pages", usable_pages)
    monkeypatch.setattr(packet.sources, "usable_pages", usable_pages)  # the early parser's
    root = records_folder(tmp_path)
    make_pdf(root / "poison.pdf", "LAB RESULTS POISON")
    make_pdf(root / "intact.pdf", CONSULT_TEXT)
    report, _ = check_folder(root)
    said = {d.path: d.status for d in report.documents}
    assert said == {"poison.pdf": DocumentStatus.EXCLUDED, "intact.pdf": DocumentStatus.INCLUDED}
    result = build_packet(root, BuildOptions(output=tmp_path / "p.pdf"))
    assert result.documents == 1 and [p for p, _ in result.left_out] == ["poison.pdf"]


FOUND = Path(__file__).parent / "faults"  # files the fuzz benchmark found, kept as they were


def test_a_damaged_last_page_is_merged_as_check_said(tmp_path: Path) -> None:
    # Found by tests/benchmarks/fuzz.py: PDFium could not load the last page, which only the
    # build's measurement of page margins touches; check called it included, build left it out.
    root = records_folder(tmp_path)
    (root / "visit.pdf").write_bytes((FOUND / "damaged last page.pdf").read_bytes())
    report, _ = check_folder(root)
    assert [d.status for d in report.documents] == [DocumentStatus.INCLUDED]
    result = build_packet(root, BuildOptions(output=tmp_path / "p.pdf"))
    assert result.documents == 1 and not result.left_out


def test_an_invalid_date_of_birth_is_named_alone_and_the_name_is_kept(tmp_path: Path) -> None:
    # It once said "does not give the patient's name and date of birth" (the name was there)
    # and told the caregiver to run `packet init` although packet.toml existed.
    root = tmp_path / "r"
    root.mkdir()
    (root / "packet.toml").write_text(
        '[patient]\nname = "Ana Example"\ndate_of_birth = "31/31/1961"\n', encoding="utf-8"
    )
    make_pdf(root / "visit.pdf", CONSULT_TEXT)
    report, _ = check_folder(root)
    assert report.patient_name == "Ana Example"
    result = runner.invoke(app, ["build", str(root), "-o", str(tmp_path / "p.pdf")])
    assert result.exit_code == 3
    message = " ".join(result.output.split())
    assert "does not give the patient's date of birth" in message
    assert "name and" not in message and "packet init" not in message
