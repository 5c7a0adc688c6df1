"""Reading one file: what it really is (by its bytes, not its name), how many pages, the text of
its first pages, and its content hash. A file that cannot be used comes back with a Problem that
says what to do, never an exception.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from packet.dicom import looks_like_dicom
from packet.formats import dicom, image, pdf, text
from packet.formats.base import PACKET_CREATOR, FileReading, problem
from packet.formats.image import MAX_FRAMES, open_heif_too
from packet.formats.text import TEXT_LIMIT, decode_text
from packet.models import FileKind, ProblemKind

if TYPE_CHECKING:
    from packet.ocr import PageText

# Re-exported: the rest of packet asks reading.py what a file is and how it reads.
__all__ = [
    "MAX_FRAMES",
    "PACKET_CREATOR",
    "TEXT_LIMIT",
    "FileReading",
    "decode_text",
    "is_locked_pdf",
    "looks_like_pdf",
    "open_heif_too",
    "out_of_time",
    "read_file",
    "sha256_of",
    "sniff",
]

# Formats caregivers meet, what they are, and how to bring them in.
UNSUPPORTED: dict[str, tuple[str, str]] = {
    **dict.fromkeys(
        (".doc", ".odt", ".rtf", ".pages", ".wpd"),
        (
            "older Word or other word-processor document",
            "open it and save it as PDF (File > Save As > PDF)",
        ),
    ),
    **dict.fromkeys(
        (".xls", ".xlsx", ".ods", ".numbers", ".csv", ".tsv"),
        ("spreadsheet", "open it and save or print it as PDF"),
    ),
    **dict.fromkeys((".ppt", ".pptx", ".odp", ".key"), ("presentation", "open it and save as PDF")),
    **dict.fromkeys(
        (".html", ".htm", ".mhtml", ".webarchive"),
        ("web page", "open it in a browser and print it to PDF"),
    ),
    ".xml": (
        "XML file that is not a C-CDA health summary",
        "ask where it came from for a PDF copy of the same record",
    ),
    ".json": (
        "data file (JSON)",
        "ask the portal for a PDF or a C-CDA (XML) download of the same records",
    ),
    ".msg": (
        "Outlook message (.msg)",
        "open it in Outlook, save it as PDF and save its attachments into the records folder",
    ),
    **dict.fromkeys(
        (".rar", ".7z", ".tar", ".gz", ".tgz"),
        (
            "compressed folder packet does not open (only .zip)",
            "unpack it on your computer into the records folder",
        ),
    ),
    **dict.fromkeys(
        (".mov", ".mp4", ".avi", ".m4v", ".mp3", ".m4a", ".wav"),
        (
            "video or sound recording",
            "it cannot go into a PDF; send it separately if the center needs it",
        ),
    ),
    **dict.fromkeys(
        (".exe", ".dll", ".msi", ".app", ".dmg", ".jar", ".bat", ".cmd", ".ocx", ".sys", ".cab"),
        ("program (scan discs carry a viewer)", "nothing to do: the center has its own viewer"),
    ),
}

DISC_SOFTWARE = "program (scan discs carry a viewer)"


SAMPLE = 1 << 16


def sha256_of(path: Path, whole: bool = True) -> str:
    """The SHA-256 of the file; with `whole` False, of its first and last 64 KB only, a cheap
    first look (files that differ there are not copies, and the end of a PDF holds its ID)."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        if whole:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
        else:
            digest.update(f.read(SAMPLE))
            f.seek(max(0, os.fstat(f.fileno()).st_size - SAMPLE))
            digest.update(f.read(SAMPLE))
    return digest.hexdigest()


def sniff(head: bytes, suffix: str) -> FileKind:
    # A DICOM file's 128-byte preamble is free: some start like a TIFF, some hold a PDF's
    # first bytes. Its "DICM" marker settles it before anything else is tried.
    if head[128:132] == b"DICM":
        return FileKind.DICOM
    if head.startswith(b"PK\x03\x04"):  # a zip (stored ones hold their PDFs' first bytes)
        return FileKind.OTHER
    if b"%PDF-" in head[:1024]:
        return FileKind.PDF
    if image.recognize(head):
        return FileKind.IMAGE
    if looks_like_dicom(head) or suffix == ".dcm":
        return FileKind.DICOM
    if suffix in text.SUFFIXES:
        return FileKind.TEXT
    return FileKind.OTHER


def _describe_content(head: bytes) -> str:
    start = head.lstrip()[:200].lower()
    if start.startswith((b"<!doctype html", b"<html", b"<head", b"<?xml")) or b"<html" in start:
        return "a web page (HTML), probably an error or login page saved instead of the document"
    if head.startswith(b"PK\x03\x04"):
        return "a Word/Office document or a zip file"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old-style Office document"
    if head.startswith(b"{\\rtf"):
        return "a rich-text (RTF) document"
    return "not a PDF"


def read_file(
    path: Path,
    relative: str,
    passwords: list[str],
    ocr: bool = False,
    layout: bool = False,
    use_cache: bool = True,
) -> FileReading:
    """`layout`: also measure whether a PDF's pages leave the stamp's strip free (for `build`).
    `use_cache`: keep and reuse what OCR reads (packet/cache.py)."""
    suffix = path.suffix.lower()
    try:
        with path.open("rb") as f:
            stat = os.fstat(f.fileno())
            head = f.read(2048)  # enough to tell what the file really is
    except OSError as exc:
        return FileReading(
            kind=FileKind.OTHER,
            size=0,
            usable=False,
            exclusion="could not be read",
            problem=problem(
                relative,
                ProblemKind.UNREADABLE_FILE,
                f"This file cannot be opened ({exc.strerror or exc.__class__.__name__}).",
                "Check that you have permission to read it (or copy it again from its source).",
            ),
        )
    size = stat.st_size
    if size == 0:
        return FileReading(
            kind=FileKind.OTHER,
            size=0,
            usable=False,
            exclusion="empty file (0 bytes)",
            problem=problem(
                relative,
                ProblemKind.EMPTY_FILE,
                "This file is empty (0 bytes): the download or copy did not finish.",
                "Download or copy it again from where it came from.",
            ),
        )
    kind = sniff(head, suffix)
    reading = FileReading(kind=kind, size=size, modified_ns=stat.st_mtime_ns)
    if kind is FileKind.PDF:
        pdf.read(path, relative, passwords, reading, layout)
    elif kind is FileKind.IMAGE:
        image.read(path, relative, reading)
    elif kind is FileKind.TEXT:
        text.read(path, relative, reading)
    elif kind is FileKind.DICOM:
        dicom.read(path, relative, reading)
    else:
        _unsupported(head, suffix, relative, reading)
    scanned = kind in (FileKind.PDF, FileKind.IMAGE) and len(reading.text.strip()) < 20
    if ocr and reading.usable and scanned:
        _read_by_ocr(path, passwords, reading, use_cache)
    return reading


TOO_SLOW = "took too long to read"


def out_of_time(path: Path, relative: str, seconds: float) -> FileReading:
    """The reading of a file whose reading ran past the time limit: left out, with a fix."""
    try:
        with path.open("rb") as f:
            stat = os.fstat(f.fileno())
            kind, size, modified = (
                sniff(f.read(2048), path.suffix.lower()),
                stat.st_size,
                stat.st_mtime_ns,
            )
    except OSError:
        kind, size, modified = FileKind.OTHER, 0, 0
    return FileReading(
        kind=kind,
        size=size,
        modified_ns=modified,
        usable=False,
        exclusion=TOO_SLOW,
        problem=problem(
            relative,
            ProblemKind.TOO_SLOW,
            f"This file {TOO_SLOW}: packet stopped after {seconds:g} seconds of work on it "
            "and left it out; the rest of the packet is made without it.",
            "Open it and save it as PDF (or print it to a new PDF), put the copy in the records "
            "folder and take this one out.",
        ),
    )


def _unsupported(head: bytes, suffix: str, relative: str, reading: FileReading) -> None:
    reading.usable = False
    if suffix == ".pdf":
        what = _describe_content(head)
        reading.exclusion = f"named .pdf but is really {what}"
        reading.problem = problem(
            relative,
            ProblemKind.NOT_A_PDF,
            f"This file is named .pdf but is really {what}.",
            "Download the document again from the portal (use its Download or Print to PDF button).",
        )
        return
    what, fix = UNSUPPORTED.get(suffix, ("file type packet cannot read", "save or print it as PDF"))
    if _is_fhir(head):
        what, fix = (
            "FHIR health-record export (JSON), which packet does not render yet",
            "ask the portal for the same records as PDF, or as a C-CDA (XML) download",
        )
    if what == DISC_SOFTWARE:
        reading.is_disc_software = True
        reading.exclusion = "viewer program or disc software, not a record"
        return
    label = f"{what} ({suffix or 'no extension'})" if what.startswith("file type") else what
    reading.exclusion = f"{label}, which cannot go into a PDF as it is"  # the fix is the problem's
    reading.problem = problem(
        relative,
        ProblemKind.UNSUPPORTED_FORMAT,
        f"{label[0].upper()}{label[1:]}: packet cannot put this into the PDF.",
        f"{fix[0].upper()}{fix[1:]}, and keep the copy in the records folder.",
    )


def _is_fhir(head: bytes) -> bool:
    """A FHIR resource or bundle, the newer portal export: JSON naming its resourceType."""
    start = head.lstrip()[:2048]
    return start.startswith(b"{") and b'"resourceType"' in start


def looks_like_pdf(path: Path) -> bool:
    """What sniff says of the file's first bytes, whatever its name; False when it cannot be read."""
    try:
        with path.open("rb") as f:
            return sniff(f.read(1024), path.suffix.lower()) is FileKind.PDF
    except OSError:
        return False


def is_locked_pdf(path: Path, passwords: list[str]) -> bool:
    """A PDF that none of `passwords` opens: it asks for one. Cheap: nothing but the file's
    header and PDFium's opening of it is read."""
    if not looks_like_pdf(path):
        return False
    document, error, _ = pdf.open_pdfium(path, passwords)
    if document is not None:
        document.close()
        return False
    return getattr(error, "err_code", None) == pdf.PASSWORD_NEEDED


def _read_by_ocr(path: Path, passwords: list[str], reading: FileReading, use_cache: bool) -> None:
    from packet import ocr

    try:
        if reading.kind is FileKind.PDF:
            found = ""
            for password in [None, *passwords]:
                try:
                    found = "".join(ocr.read_pdf(path, password, use_cache=use_cache))
                    break
                except Exception:  # the wrong password; the next one may do
                    continue
        else:
            found = ocr.read_image(path, use_cache=use_cache)
    except Exception:  # OCR is a help, never a reason to fail
        return
    if found.strip():
        reading.text, reading.ocr = found, True


def read_scan_in_full(
    path: Path, kind: FileKind, passwords: list[str], pages: int, use_cache: bool
) -> list[PageText]:
    """Every page (up to `pages`) of a scan by OCR, one a page; [] if it cannot be read."""
    from packet import ocr

    try:
        if kind is FileKind.IMAGE:
            return [ocr.read_image_page(path, whole=True, use_cache=use_cache)]
        for password in [None, *passwords]:
            try:
                return ocr.read_pdf_pages(path, password, pages=pages, use_cache=use_cache)
            except Exception:  # the wrong password; the next one may do
                continue
    except Exception:  # OCR is a help, never a reason to fail
        pass
    return []
