"""Reading one file: what it really is (by its bytes, not its name), how many pages, the text of
its first pages, and its content hash. A file that cannot be used comes back with a Problem that
says what to do, never an exception.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packet.dicom import DicomHeader, looks_like_dicom, read_header
from packet.geometry import band_in_user_space, bottom_is_free, pdfium_display
from packet.models import FileKind, Problem, ProblemKind, Severity

TEXT_PAGES = 2  # pages whose text is read for classification and dating...
ENOUGH_TEXT = 1500  # ...unless the first page alone holds this many characters
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown"})
PACKET_CREATOR = "packet (second-opinion records packet)"
# Bounds on what one file may cost (issue: a 200 MB text file took minutes and a gigabyte).
TEXT_LIMIT = 400_000  # bytes of a text file rendered into the packet: about 100 pages
TEXT_READ = 65_536  # bytes of a text file read to classify and date it
MAX_FRAMES = 50  # pages made from one multi-frame image (a GIF or TIFF of thousands of frames)
MAX_PIXELS = 100_000_000  # a non-JPEG image larger than this is too large to decode for a page  # marks packets packet itself built

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
HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif"})


def open_heif_too() -> None:
    """Let Pillow open iPhone photos (HEIC/HEIF), through pillow-heif (libheif)."""
    from pillow_heif import register_heif_opener

    register_heif_opener()


@dataclass
class FileReading:
    kind: FileKind
    size: int
    modified_ns: int = 0
    pages: int = 0
    text: str = ""
    usable: bool = True  # can go into the packet
    exclusion: str = ""  # why not, when it cannot
    problem: Problem | None = None
    dicom: DicomHeader | None = None
    built_by_packet: bool = False
    is_disc_software: bool = False
    ocr: bool = False  # the text came from OCR of the page images
    bottom_free: bool | None = None  # the pages leave the stamp's strip free (when measured)


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
    if (
        head.startswith(
            (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"II*\x00", b"MM\x00*", b"GIF8", b"BM")
        )
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
        or (head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS)
    ):
        return FileKind.IMAGE
    if looks_like_dicom(head) or suffix == ".dcm":
        return FileKind.DICOM
    if suffix in TEXT_SUFFIXES:
        return FileKind.TEXT
    return FileKind.OTHER


def _problem(
    relative: str, kind: ProblemKind, message: str, fix: str, severity: Severity = Severity.ERROR
) -> Problem:
    return Problem(path=relative, kind=kind, severity=severity, message=message, fix=fix)


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
    path: Path, relative: str, passwords: list[str], ocr: bool = False, layout: bool = False
) -> FileReading:
    """`layout`: also measure whether a PDF's pages leave the stamp's strip free (for `build`)."""
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
            problem=_problem(
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
            problem=_problem(
                relative,
                ProblemKind.EMPTY_FILE,
                "This file is empty (0 bytes): the download or copy did not finish.",
                "Download or copy it again from where it came from.",
            ),
        )
    kind = sniff(head, suffix)
    reading = FileReading(kind=kind, size=size, modified_ns=stat.st_mtime_ns)
    if kind is FileKind.PDF:
        _read_pdf(path, relative, passwords, reading, layout)
    elif kind is FileKind.IMAGE:
        _read_image(path, relative, reading)
    elif kind is FileKind.TEXT:
        _read_text_file(path, relative, reading)
    elif kind is FileKind.DICOM:
        _read_dicom(path, relative, reading)
    else:
        _unsupported(head, suffix, relative, reading)
    scanned = kind in (FileKind.PDF, FileKind.IMAGE) and len(reading.text.strip()) < 20
    if ocr and reading.usable and scanned:
        _read_by_ocr(path, passwords, reading)
    return reading


def _unsupported(head: bytes, suffix: str, relative: str, reading: FileReading) -> None:
    reading.usable = False
    if suffix == ".pdf":
        what = _describe_content(head)
        reading.exclusion = f"named .pdf but is really {what}"
        reading.problem = _problem(
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
    reading.exclusion = f"{label}: {fix}"
    reading.problem = _problem(
        relative,
        ProblemKind.UNSUPPORTED_FORMAT,
        f"{label[0].upper()}{label[1:]}: packet cannot put this into the PDF.",
        f"{fix[0].upper()}{fix[1:]}, and keep the copy in the records folder.",
    )


def _is_fhir(head: bytes) -> bool:
    """A FHIR resource or bundle, the newer portal export: JSON naming its resourceType."""
    start = head.lstrip()[:2048]
    return start.startswith(b"{") and b'"resourceType"' in start


PASSWORD_NEEDED = 4  # PDFium's error code for a missing or wrong password


def _open_pdfium(path: Path, passwords: list[str]) -> tuple[Any, Exception | None, bool]:
    """The PDF opened by PDFium with no password, then each given one: (document or None, the
    last error, whether a password was tried)."""
    import pypdfium2 as pdfium

    error: Exception | None = None
    tried_password = False
    for password in [None, *passwords]:
        tried_password = password is not None
        try:
            return pdfium.PdfDocument(str(path), password=password), None, tried_password
        except pdfium.PdfiumError as exc:
            error = exc
            if getattr(exc, "err_code", None) != PASSWORD_NEEDED:
                break
    return None, error, tried_password


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
    document, error, _ = _open_pdfium(path, passwords)
    if document is not None:
        document.close()
        return False
    return getattr(error, "err_code", None) == PASSWORD_NEEDED


def _read_pdf(
    path: Path, relative: str, passwords: list[str], reading: FileReading, layout: bool
) -> None:
    import pypdfium2 as pdfium

    document, error, tried_password = _open_pdfium(path, passwords)
    if document is None:
        reading.usable = False
        if getattr(error, "err_code", None) == PASSWORD_NEEDED:
            reading.exclusion = "locked with a password"
            message = (
                "This PDF is locked with a password, and the password in packet.toml does not open it."
                if tried_password
                else "This PDF is locked with a password, so packet cannot read it or put it in the packet."
            )
            reading.problem = _problem(
                relative,
                ProblemKind.WRONG_PASSWORD if tried_password else ProblemKind.LOCKED_PDF,
                message,
                f'Add the password to packet.toml under [passwords], as "{relative}" = "the password" '
                "(or open it and save an unlocked copy in its place).",
            )
        else:
            reading.exclusion = "damaged PDF that cannot be opened"
            reading.problem = _problem(
                relative,
                ProblemKind.CORRUPT_PDF,
                "This PDF is damaged and cannot be opened"
                + (
                    " (it looks cut off: the download did not finish)."
                    if _looks_truncated(path)
                    else "."
                ),
                "Download it again from the portal, or ask the office that made it for a new copy.",
            )
        return
    try:
        reading.pages = len(document)
        if reading.pages == 0:
            reading.usable = False
            reading.exclusion = "PDF with no pages"
            reading.problem = _problem(
                relative,
                ProblemKind.CORRUPT_PDF,
                "This PDF has no pages.",
                "Download it again from where it came from.",
            )
            return
        texts: list[str] = []
        free = True
        for index in range(min(TEXT_PAGES, reading.pages)):
            if sum(len(t) for t in texts) >= ENOUGH_TEXT:
                break  # a full first page says what the record is and when
            page = document[index]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            if index == 0 and layout:  # while the first page is open: is the stamp's strip free?
                free = bottom_is_free(page, band_in_user_space(pdfium_display(page)), textpage)
            textpage.close()
            page.close()
        reading.text = "\n".join(texts).replace("\r\n", "\n").replace("\r", "\n")
        if layout:
            try:
                reading.bottom_free = free and _bottoms_free(document, skip_first=True)
            except pdfium.PdfiumError:  # a damaged last page: shrink to be safe, as check
                reading.bottom_free = False  # (which does not measure) would not exclude it
        creator = document.get_metadata_value("Creator")
        reading.built_by_packet = str(creator or "").startswith(PACKET_CREATOR)
        active = _active_content(document)
    except pdfium.PdfiumError:
        reading.usable = False
        reading.exclusion = "damaged PDF whose pages cannot be read"
        reading.problem = _problem(
            relative,
            ProblemKind.CORRUPT_PDF,
            "This PDF opens but its pages are damaged.",
            "Download it again from the portal, or ask the office that made it for a new copy.",
        )
        return
    finally:
        document.close()
    if not layout and not reading.built_by_packet:  # `build` does this itself, for real
        from packet.opening import merge_verdict

        mergeable, removed = merge_verdict(path, passwords)
        if not mergeable:
            reading.usable = False
            reading.exclusion = "damaged PDF: packet could not copy its pages"
            reading.problem = _problem(
                relative,
                ProblemKind.CORRUPT_PDF,
                "This PDF opens in a viewer, but its pages are too damaged to copy into the packet.",
                "Open it and print it to a new PDF (File > Print > Save as PDF), and put that copy "
                "in its place.",
            )
            return
        active = _words(sorted({*active.split(" and "), *removed} - {""}))
    if active:
        reading.problem = _problem(
            relative,
            ProblemKind.ACTIVE_CONTENT,
            f"This PDF carries {active}; the packet includes its pages but leaves {active} out.",
            "Nothing to do, unless the attached files matter: then save them into the records folder.",
            Severity.WARNING,
        )
    if _looks_truncated(path):
        reading.problem = _problem(
            relative,
            ProblemKind.INCOMPLETE_PDF,
            f"This PDF looks cut off (no end marker); {reading.pages} page(s) could be read, "
            "but pages may be missing.",
            "Download it again and compare the page count with the original.",
            Severity.WARNING,
        )


def _bottoms_free(document: Any, skip_first: bool) -> bool:
    """Whether the document leaves the strip the stamp needs free. Documents are laid out alike
    page after page (letterheads, footers), so the first and last pages speak for all, and every
    page of a document is then treated the same."""
    count = len(document)
    for number in sorted({0, count - 1} - ({0} if skip_first else set())):
        page = document[number]
        try:
            if not bottom_is_free(page, band_in_user_space(pdfium_display(page))):
                return False
        finally:
            page.close()
    return True


def _words(items: list[str]) -> str:
    return " and ".join(items) if len(items) < 3 else ", ".join(items[:-1]) + " and " + items[-1]


def _active_content(document: Any) -> str:
    """What a PDF carries besides its pages: JavaScript, attached files."""
    import pypdfium2.raw as pdfium_c

    found = []
    if pdfium_c.FPDFDoc_GetJavaScriptActionCount(document.raw) > 0:
        found.append("JavaScript")
    if document.count_attachments() > 0:
        found.append("attached files")
    return " and ".join(found)


def _read_by_ocr(path: Path, passwords: list[str], reading: FileReading) -> None:
    from packet import ocr

    try:
        if reading.kind is FileKind.PDF:
            text = ""
            for password in [None, *passwords]:
                try:
                    text = ocr.read_pdf(path, password)
                    break
                except Exception:  # the wrong password; the next one may do
                    continue
        else:
            text = ocr.read_image(path)
    except Exception:  # OCR is a help, never a reason to fail
        return
    if text.strip():
        reading.text, reading.ocr = text, True


def _looks_truncated(path: Path) -> bool:
    with path.open("rb") as f:
        f.seek(0, 2)
        size = f.tell()
        f.seek(max(0, size - 2048))
        return b"%%EOF" not in f.read()


def _read_image(path: Path, relative: str, reading: FileReading) -> None:
    from PIL import Image, UnidentifiedImageError

    open_heif_too()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow warns on odd EXIF and huge images
            Image.MAX_IMAGE_PIXELS = None  # packet's own limit below says what to do instead
            with Image.open(path) as image:
                if image.width == 0 or image.height == 0:
                    raise ValueError("image has no pixels")
                if image.format != "JPEG" and image.width * image.height > MAX_PIXELS:
                    _too_large_image(relative, reading, image.width, image.height)
                    return
                frames = getattr(image, "n_frames", 1) or 1
                reading.pages = min(frames, MAX_FRAMES)
                image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
                image.load()  # decodes (cheaply, in draft mode) to prove the file is whole
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        reading.usable = False
        reading.exclusion = "damaged or unreadable image"
        reading.problem = _problem(
            relative,
            ProblemKind.BROKEN_IMAGE,
            f"This image cannot be read ({exc.__class__.__name__}); it may be cut off or damaged.",
            "Take the photo again, or copy it again from the phone.",
        )
        return
    if frames > MAX_FRAMES:
        reading.problem = _problem(
            relative,
            ProblemKind.TOO_LARGE,
            f"This image holds {frames:,} frames; only the first {MAX_FRAMES} become pages.",
            "If the rest matter, save them as a PDF (or separate images) and add that instead.",
            Severity.WARNING,
        )


def _too_large_image(relative: str, reading: FileReading, width: int, height: int) -> None:
    reading.usable = False
    reading.exclusion = f"image too large to put on a page ({width:,} × {height:,} pixels)"
    reading.problem = _problem(
        relative,
        ProblemKind.TOO_LARGE,
        f"This image is {width:,} × {height:,} pixels, too large to put on a page "
        "(it is not damaged).",
        "Open it and save a smaller copy (under 10,000 × 10,000 pixels, or as JPEG or PDF).",
    )


def decode_text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _read_text_file(path: Path, relative: str, reading: FileReading) -> None:
    with path.open("rb") as f:
        reading.text = decode_text(f.read(TEXT_READ)).replace("\r\n", "\n")
    rendered = min(reading.size, TEXT_LIMIT)
    lines = reading.text.count("\n") + 1
    per_byte = lines / max(1, min(reading.size, TEXT_READ))
    reading.pages = max(1, -(-int(rendered * per_byte) // 60))
    if reading.size > TEXT_LIMIT:
        reading.problem = _problem(
            relative,
            ProblemKind.TOO_LARGE,
            f"This text file is very long ({reading.size / 1e6:.1f} MB); only its first "
            f"{TEXT_LIMIT // 1000} KB (about 100 pages) go into the packet, and the packet says so.",
            "If the rest matters, split it into smaller files or save the part that matters as PDF.",
            Severity.WARNING,
        )


def _read_dicom(path: Path, relative: str, reading: FileReading) -> None:
    reading.usable = False  # scan files go to the center on the disc, never into the PDF
    try:
        reading.dicom = read_header(path, relative)
    except ValueError as exc:
        reading.exclusion = "damaged scan file"
        reading.problem = _problem(
            relative,
            ProblemKind.UNREADABLE_FILE,
            f"This looks like a scan (DICOM) file but it cannot be read: {exc}.",
            "Copy the disc again; if it still fails, ask the imaging center for a new disc.",
            Severity.WARNING,
        )
        return
    reading.exclusion = (
        "index of the scan disc (DICOMDIR)"
        if reading.dicom.is_directory
        else "scan image (DICOM): sent on the disc"
    )
