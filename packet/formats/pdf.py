"""PDF records (with or without a text layer): opened by PDFium, the text of their first pages
read, locked and damaged files told apart, what they carry besides pages named, and, for
`check`, opened as `build` will merge them, so that "included" means included.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from packet.formats.base import PACKET_CREATOR, FileReading, problem
from packet.geometry import band_in_user_space, bottom_is_free, pdfium_display
from packet.models import LineFor, ProblemKind, Severity

TEXT_PAGES = 2  # pages whose text is read for classification and dating...
ENOUGH_TEXT = 1500  # ...unless the first page alone holds this many characters


PASSWORD_NEEDED = 4  # PDFium's error code for a missing or wrong password


def open_pdfium(path: Path, passwords: list[str]) -> tuple[Any, Exception | None, bool]:
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


def page_texts(path: Path, passwords: list[str], limit: int) -> list[str]:
    """The text layer of the first `limit` pages, one string per page ([] if it cannot be read)."""
    import pypdfium2 as pdfium

    document, _, _ = open_pdfium(path, passwords)
    if document is None:
        return []
    texts = []
    try:
        for index in range(min(limit, len(document))):
            page = document[index]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
            textpage.close()
            page.close()
    except pdfium.PdfiumError:
        pass  # the pages read so far still say what they say
    finally:
        document.close()
    return texts


def read(
    path: Path, relative: str, passwords: list[str], reading: FileReading, layout: bool
) -> None:
    import pypdfium2 as pdfium

    document, error, tried_password = open_pdfium(path, passwords)
    if document is None:
        reading.usable = False
        if getattr(error, "err_code", None) == PASSWORD_NEEDED:
            reading.exclusion = "locked with a password"
            message = (
                "This PDF is locked with a password, and the password in packet.toml does not open it."
                if tried_password
                else "This PDF is locked with a password, so packet cannot read it or put it in the packet."
            )
            reading.problem = problem(
                relative,
                ProblemKind.WRONG_PASSWORD if tried_password else ProblemKind.LOCKED_PDF,
                message,
                (
                    "Correct its password under [passwords] in packet.toml, as the [passwords] "
                    "block below gives its line"
                    if tried_password
                    else "Add its line from the [passwords] block below to packet.toml, with its "
                    "password in place of PASSWORD"
                )
                + " (or build with --ask-passwords, or save an unlocked copy in its place).",
                line=(LineFor.PASSWORD, f'{json.dumps(relative, ensure_ascii=False)} = "PASSWORD"'),
            )
        else:
            reading.exclusion = "damaged PDF that cannot be opened"
            reading.problem = problem(
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
            reading.problem = problem(
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
        reading.page_texts = [t.replace("\r\n", "\n").replace("\r", "\n") for t in texts]
        reading.text = "\n".join(reading.page_texts)
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
        reading.problem = problem(
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
            reading.problem = problem(
                relative,
                ProblemKind.CORRUPT_PDF,
                "This PDF opens in a viewer, but its pages are too damaged to copy into the packet.",
                "Open it and print it to a new PDF (File > Print > Save as PDF), and put that copy "
                "in its place.",
            )
            return
        active = _words(sorted({*active.split(" and "), *removed} - {""}))
    if active:
        reading.problem = problem(
            relative,
            ProblemKind.ACTIVE_CONTENT,
            f"This PDF carries {active}; the packet includes its pages but leaves {active} out.",
            "Nothing to do, unless the attached files matter: then save them into the records folder.",
            Severity.WARNING,
        )
    if _looks_truncated(path):
        reading.problem = problem(
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


def _looks_truncated(path: Path) -> bool:
    with path.open("rb") as f:
        f.seek(0, 2)
        size = f.tell()
        f.seek(max(0, size - 2048))
        return b"%%EOF" not in f.read()
