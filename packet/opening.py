"""Opening a PDF record the way the packet merges it: parsed by pypdf, its pages pared down to
what the packet may carry, every object they use read and checked; a copy re-saved by PDFium
when pypdf cannot use the file. `check` opens records this way too, so that what it calls
included is what `build` merges.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from pypdf import PageObject, PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

from packet.sanitize import disarm, sanitize_page
from packet.stamp import display_of

IN_MEMORY = 1 << 20  # records smaller than this are read whole; larger ones stay open


def open_pdf(
    stack: ExitStack, path: Path, passwords: list[str], removed: set[str] | None = None
) -> PdfReader:
    """A reader on the file, ready to merge; a copy repaired by PDFium when pypdf cannot parse
    the file (a broken cross-reference table, say). `removed`: what its pages carried that the
    packet leaves out."""
    try:
        reader = pypdf_reader(stack, path, passwords)
        usable_pages(reader, removed)
        return reader
    except Exception:  # whatever pypdf raises on this file (its internals included): repair
        repaired = repaired_copy(path, passwords)
        if repaired is None:
            raise
        reader = PdfReader(repaired, strict=False)
        usable_pages(reader, removed)
        return reader


def merge_verdict(path: Path, passwords: list[str]) -> tuple[bool, set[str]]:
    """For `check`: whether `build` will be able to merge this PDF (opened exactly as `build`
    opens it), and what the packet will leave out of it."""
    removed: set[str] = set()
    try:
        with ExitStack() as stack, quiet_pypdf():
            open_pdf(stack, path, passwords, removed)
    except Exception:  # what build would meet: the record is left out
        return False, removed
    return True, removed


def pypdf_reader(stack: ExitStack, path: Path, passwords: list[str]) -> PdfReader:
    """The file opened and unlocked by pypdf. A small record is read into memory, so that a long
    history does not hold thousands of files open; a large one (a scan) is read from the open
    file, as a copy in memory would double what it weighs there."""
    handle: Any
    if path.stat().st_size < IN_MEMORY:
        handle = io.BytesIO(path.read_bytes())
    else:
        handle = stack.enter_context(path.open("rb"))
        end = pdf_end(handle)
        if end is not None:
            handle = _Window(handle, end)
    reader = PdfReader(handle, strict=False)
    if reader.is_encrypted and not any(reader.decrypt(pw) for pw in ["", *passwords]):
        raise PdfReadError("password")
    return reader


TAIL = 2048  # where a PDF's end marker belongs: its last bytes


def pdf_end(f: BinaryIO) -> int | None:
    """Where the PDF really ends when junk follows its end marker (an unfinished pre-allocated
    download: a PDF, then gigabytes of zeros); None when it ends where the file does. pypdf
    would look for the marker backwards a line at a time, for minutes and gigabytes."""
    size = f.seek(0, 2)
    f.seek(max(0, size - TAIL))
    if b"%%EOF" in f.read(TAIL):
        return None
    chunk = 1 << 20
    position = size
    while position > 0:
        start = max(0, position - chunk)
        f.seek(start)
        found = f.read(position - start + 5).rfind(b"%%EOF")
        if found >= 0:
            return start + found + 5
        position = start
    return None


class _Window(io.RawIOBase):
    """The first `end` bytes of an open file, seen as a whole file."""

    def __init__(self, f: BinaryIO, end: int) -> None:
        self._f, self._end, self._position = f, end, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._position, 2: self._end}[whence]
        self._position = max(0, min(self._end, base + offset))
        return self._position

    def tell(self) -> int:
        return self._position

    def read(self, size: int = -1) -> bytes:
        left = self._end - self._position
        size = left if size is None or size < 0 else min(size, left)
        self._f.seek(self._position)
        data = self._f.read(size)
        self._position += len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def usable_pages(reader: PdfReader, removed: set[str] | None = None) -> None:
    """Every page one pypdf can merge. A page whose /Type was damaged is still a page to PDFium
    and to every viewer (it sits in the page tree), so its /Type is put right; anything else is
    an error that sends the file to PDFium for repair."""
    seen: set[tuple[int, int]] = set()
    for page in reader.pages:
        if not isinstance(page, PageObject):
            raise PdfReadError("not a page")
        if page.get("/Type") != "/Page":
            page[NameObject("/Type")] = NameObject("/Page")
        try:
            display_of(page)  # its boxes and rotation are what stamping needs
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise PdfReadError("page boxes") from exc
        sanitize_page(page, removed)  # before anything reads what the packet will not carry
        _read_everything(page, seen, removed)
        _check_structure(page)


def _check_structure(page: PageObject) -> None:
    """What stamping adds to: the content (streams) and the resources (dictionaries of fonts and
    images). A damaged one would make a page that viewers refuse, or stop the build."""
    contents = page.get("/Contents")
    if contents is not None:
        resolved = contents.get_object()
        for stream in resolved if isinstance(resolved, ArrayObject) else [resolved]:
            if not isinstance(stream.get_object(), StreamObject):
                raise PdfReadError("page content")
    resources = page.get("/Resources")
    if resources is None:
        return
    resources = resources.get_object()
    if not isinstance(resources, DictionaryObject):
        raise PdfReadError("page resources")
    for key in ("/Font", "/XObject"):
        entry = resources.get(key)
        if entry is not None and not isinstance(entry.get_object(), DictionaryObject):
            raise PdfReadError("page resources")


MAX_NESTING = 100  # real records nest a few levels; merging recurses once a level


def _read_everything(
    page: PageObject, seen: set[tuple[int, int]], removed: set[str] | None = None
) -> None:
    """Read every object the page uses (fonts, images, content), now, while a damaged one can
    still send the file to repair; merging reads them again from pypdf's cache, at no cost.
    Objects nested deeper than any record needs (merging copies them level by level) are
    refused here rather than failing the merge. Each dictionary is disarmed on the way: what
    the page reaches is what the packet carries."""
    removed = set() if removed is None else removed
    stack: list[tuple[Any, int]] = [(v, 1) for k, v in page.items() if k != "/Parent"]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_NESTING:
            raise PdfReadError("objects nested too deep")
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
            if item is None:
                continue
        if isinstance(item, DictionaryObject):
            disarm(item, removed)
            stack.extend((v, depth + 1) for k, v in item.items() if k != "/Parent")
        elif isinstance(item, ArrayObject):
            stack.extend((v, depth + 1) for v in item)


def repaired_copy(path: Path, passwords: list[str]) -> io.BytesIO | None:
    import pypdfium2 as pdfium

    for password in [None, *passwords]:
        try:
            document = pdfium.PdfDocument(str(path), password=password)
        except pdfium.PdfiumError:
            continue
        try:
            repaired = io.BytesIO()
            document.save(repaired)
            repaired.seek(0)
            return repaired
        finally:
            document.close()
    return None


@contextmanager
def quiet_pypdf() -> Iterator[None]:
    """pypdf logs what it repairs in damaged files; the caregiver has nothing to do about it."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
