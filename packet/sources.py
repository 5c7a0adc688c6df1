"""The records of a packet opened for merging: PDFs parsed by pypdf (early, in a thread, while
`check` reads them), repaired through PDFium when pypdf cannot use them, photos and text files
converted to PDF pages. A record that cannot be opened is left out with a reason, never an error.
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PageObject, PdfReader

from packet import stopping
from packet.caregiver import load_caregiver_files
from packet.convert import image_to_pdf, text_to_pdf
from packet.index import FolderIndex
from packet.models import (
    Box,
    Document,
    DocumentOut,
    FileKind,
    Report,
    record_order,
)
from packet.opening import open_pdf, pypdf_reader, repaired_copy, usable_pages
from packet.reading import PACKET_CREATOR, TOO_SLOW, looks_like_pdf
from packet.scan import scan_folder
from packet.stopping import TookTooLong, signals_held, time_limit
from packet.workers import parallel_map


@dataclass
class Source:
    """A record opened for merging."""

    doc: Document
    out: DocumentOut  # the same document as the report shows it
    reader: PdfReader
    shrink: bool = False  # its pages have no free bottom margin: shrink them to fit the stamp
    start: int = 0  # a document too large for one volume is split: these pages are one part
    count: int = -1  # -1: to the end
    title: str = ""  # "… (part 1 of 2)" for a part
    file_size: int = 0  # the bytes it brings to the packet, before stamping

    @property
    def pages(self) -> list[PageObject]:
        pages = list(self.reader.pages)
        return (
            pages[self.start :] if self.count < 0 else pages[self.start : self.start + self.count]
        )

    @property
    def estimated_size(self) -> int:
        """What its pages add to the packet: their share of the file, and the stamp's bytes."""
        total = len(self.reader.pages) or 1
        pages = len(self.pages)
        return int(self.file_size * pages / total) + STAMP_BYTES * pages

    def part(self, start: int, count: int, number: int, parts: int) -> Source:
        title = f"{self.doc.title} (part {number} of {parts})"
        return Source(
            self.doc, self.out, self.reader, self.shrink, start, count, title, self.file_size
        )


WHAT = {FileKind.PDF: "PDF", FileKind.IMAGE: "image", FileKind.TEXT: "text file"}


CHANGED_DURING_BUILD = "changed while the packet was being built"


class RecordFailed(Exception):
    """One record could not be used at one step of the build; the packet goes on without it."""

    def __init__(self, doc: Document, step: str, cause: BaseException) -> None:
        super().__init__(f"{doc.path}: {step}: {cause.__class__.__name__}")
        self.doc, self.step, self.cause = doc, step, cause


@contextmanager
def record_guard(doc: Document, step: str) -> Iterator[None]:
    """The one guard over every step that touches a single record (opening, converting,
    merging, stamping, writing): whatever that step raises — a damaged object deep in pypdf,
    a recursion too deep, memory running out on one absurd file — becomes RecordFailed for
    that record alone. Interruptions (Ctrl-C) are not caught."""
    try:
        yield
    except RecordFailed:
        raise
    except Exception as exc:
        raise RecordFailed(doc, step, exc) from exc


@dataclass
class Plan:
    sources: list[Source] = field(default_factory=list)
    failed: list[tuple[Document, str]] = field(default_factory=list)
    # How to open a PDF record again through PDFium's repair: its file and passwords.
    reopen: dict[str, tuple[Path, list[str]]] = field(default_factory=dict)
    repaired: set[str] = field(default_factory=set)

    def recover(self, failure: RecordFailed) -> None:
        """After `failure`, the record is repaired (a PDF re-saved through PDFium, once) or left
        out with a plain reason; the caller lays the packet out again either way."""
        doc = failure.doc
        if doc.path in self.reopen and doc.path not in self.repaired:
            self.repaired.add(doc.path)
            try:
                with record_guard(doc, "repair"):
                    path, passwords = self.reopen[doc.path]
                    repaired = repaired_copy(path, passwords)
                    if repaired is not None:
                        reader = PdfReader(repaired, strict=False)
                        usable_pages(reader)
                        for source in self.sources:
                            if source.doc.path == doc.path:
                                source.reader = reader
                        return
            except RecordFailed:
                pass
        self.sources = [s for s in self.sources if s.doc.path != doc.path]
        self.failed.append(
            (doc, f"damaged {WHAT.get(doc.kind, 'file')}: packet could not {failure.step}")
        )


# Held while EarlyReaders reads a file, and by any fork (the worker processes of `check`):
# a process must not be forked while another thread is inside a library or holds a lock.
_FORK_GUARD = threading.Lock()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(
        before=_FORK_GUARD.acquire,
        after_in_parent=_FORK_GUARD.release,
        after_in_child=_FORK_GUARD.release,
    )


class EarlyReaders:
    """The PDF records, opened and parsed by pypdf in a thread while `check` reads them with
    PDFium (in worker processes, or in C code that lets this thread run). Without it the main
    process waits for the workers, then parses every record alone. Only pypdf runs here, never
    PDFium (which is not thread-safe); a file that fails here is opened again later, with
    repair, and a file that changed since is opened again too."""

    def __init__(self, folder: Path, passwords: Mapping[str, str]) -> None:
        self._folder, self._passwords = folder, passwords
        self._files = ExitStack()
        self._readers: dict[str, tuple[PdfReader, int, int]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._open_all, name="packet-open", daemon=True)

    def __enter__(self) -> EarlyReaders:
        with signals_held():  # a stop signal must wake the main thread, never reach this one
            self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self._stop.set()
        # Stopped or failed: the file under way is not waited for (the thread is a daemon).
        self._thread.join(timeout=None if kind is None else 1)
        self._readers.clear()
        self._files.close()

    def _open_all(self) -> None:
        try:
            data = load_caregiver_files(self._folder)
            data.settings.passwords.update(self._passwords)
            files = scan_folder(self._folder).files
        except Exception:  # a help, never a failure: every record is opened after `check` too
            return
        for found in files:
            if self._stop.is_set():
                return
            with _FORK_GUARD:
                try:
                    stat = found.path.stat()
                    if not looks_like_pdf(found.path):
                        continue
                    reader = pypdf_reader(
                        self._files, found.path, data.password_for(found.relative)
                    )
                    metadata = reader.metadata
                    if metadata and str(metadata.get("/Creator", "")).startswith(PACKET_CREATOR):
                        continue  # an earlier packet: never merged
                    usable_pages(reader)
                except Exception:  # opened again after `check`, with repair if need be
                    continue
                self._readers[found.relative] = (reader, stat.st_size, stat.st_mtime_ns)

    def wait(self) -> None:
        """Until the thread is done: pypdf is then used by one thread at a time."""
        self._thread.join()

    def take(self, doc: Document) -> PdfReader | None:
        """The reader for this record, if it opened here and the file is the one `check` read."""
        self.wait()
        reader, size, modified = self._readers.pop(doc.path, (None, -1, -1))
        return reader if (size, modified) == (doc.size, doc.modified_ns) else None

    def release(self) -> None:
        """Let go of what was not taken (duplicates, records left out)."""
        self.wait()
        self._readers.clear()


def open_sources(
    stack: ExitStack,
    index: FolderIndex,
    report: Report,
    paper: tuple[float, float],
    early: EarlyReaders,
) -> Plan:
    plan = Plan()
    outs = {d.path: d for d in report.documents}
    docs = record_order(index.included)
    # Photos and text files become PDF pages first, in worker processes: it is most of the work.
    jobs = [
        (d.kind, index.sources[d.path], paper, d.text_layer[0] if d.text_layer else ())
        for d in docs
        if d.kind in (FileKind.IMAGE, FileKind.TEXT)
    ]
    converted = dict(
        zip((j[1] for j in jobs), parallel_map(_convert, jobs, len(jobs) >= 4), strict=True)
    )
    early.wait()
    for doc in docs:
        path = index.sources[doc.path]
        out = outs[doc.path]
        if _changed(path, doc):
            plan.failed.append((doc, CHANGED_DURING_BUILD))
            continue
        try:
            with record_guard(doc, "open it"):
                if doc.kind is FileKind.PDF:
                    passwords = index.caregiver.password_for(doc.path)
                    plan.reopen[doc.path] = (path, passwords)
                    reader = early.take(doc) or open_pdf(stack, path, passwords)
                    source = Source(doc, out, reader, not doc.bottom_free, file_size=doc.size)
                    plan.sources.append(source)
                elif doc.kind in (FileKind.IMAGE, FileKind.TEXT):
                    pdf = converted[path]
                    if pdf is None:
                        plan.failed.append((doc, TOO_SLOW))
                        continue
                    if isinstance(pdf, Exception):
                        raise pdf
                    plan.sources.append(
                        Source(doc, out, PdfReader(io.BytesIO(pdf)), file_size=len(pdf))
                    )
        except RecordFailed as failure:
            plan.repaired.add(doc.path)  # opening already tried the repair
            plan.recover(failure)
    return plan


def _convert(
    job: tuple[FileKind, Path, tuple[float, float], tuple[Box, ...]],
) -> bytes | Exception | None:
    """A photo (with what OCR read on it) or text file as PDF bytes; the exception, not
    raised, when it cannot be; None when it ran past the time limit of one record."""
    kind, path, paper, words = job
    try:
        with time_limit(stopping.RECORD_SECONDS):
            if kind is FileKind.IMAGE:
                return image_to_pdf(path, paper, words)
            return text_to_pdf(path, paper)
    except TookTooLong:
        return None
    except Exception as exc:  # reported by the caller, with the document's name
        return exc


def _changed(path: Path, doc: Document) -> bool:
    """The file is not the one that was read and classified (a sync tool or download replaced it)."""
    try:
        stat = path.stat()
    except OSError:
        return True
    return stat.st_size != doc.size or stat.st_mtime_ns != doc.modified_ns


STAMP_BYTES = 1_500  # what the stamp adds to a page


def allow_open_files() -> None:
    """Large records stay open until the packet is written. Some systems allow a process few
    open files by default (256 on macOS), fewer than the scans of a long history: the soft
    limit is raised as far as the system lets a program raise it itself."""
    try:
        import resource
    except ImportError:  # Windows has no such limit for files opened this way
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 16_384 if hard == resource.RLIM_INFINITY else min(hard, 16_384)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        # When it cannot be raised, small records are read into memory all the same.
        with suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
