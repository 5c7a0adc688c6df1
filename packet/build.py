"""`packet build`: one PDF for the center — the packet's own pages, then every record grouped by
category and oldest first, every page stamped, with links, an outline and matching page labels.

The output is written to a temporary file beside it and renamed into place; nothing is ever
written inside the records folder.
"""

from __future__ import annotations

import gc
import io
import logging
import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.annotations import Link
from pypdf.constants import PageLabelStyle
from pypdf.errors import PdfReadError
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
)
from reportlab.lib.pagesizes import A4, letter
from reportlab.pdfgen.canvas import Canvas

from packet.caregiver import PacketSettings, load_caregiver_files
from packet.check import check_folder, require_folder
from packet.convert import image_to_pdf, text_to_pdf
from packet.errors import BuildError, CaregiverFileError, IdentityError, UsageError
from packet.geometry import Display, Rect
from packet.index import FolderIndex, Progress
from packet.layout import draw_footer
from packet.models import (
    Document,
    DocumentOut,
    FileKind,
    Problem,
    ProblemKind,
    Report,
    Severity,
    record_order,
)
from packet.pages import (
    SECTION_TITLES,
    Numbering,
    PacketContext,
    Record,
    Rendered,
    back_matter,
    front_matter,
    left_out_rows,
    stamp_left,
)
from packet.reading import PACKET_CREATOR, looks_like_pdf
from packet.scan import scan_folder
from packet.stamp import (
    display_of,
    ensure_room,
    form_xobject,
    number_font,
    number_width,
    stamp_page,
    strip_active_content,
)
from packet.workers import parallel_map

PAPERS = {"letter": letter, "a4": A4}


@dataclass(frozen=True)
class BuildResult:
    outputs: list[tuple[Path, int, int]]  # each volume: path, pages, bytes
    documents: int
    left_out: list[tuple[str, str]]
    problems: list[Problem]
    report: Report
    notes: list[str]  # what the caregiver should know (documents split, volumes over the limit)

    @property
    def output(self) -> Path:
        return self.outputs[0][0]

    @property
    def pages(self) -> int:
        return sum(pages for _, pages, _ in self.outputs)

    @property
    def size(self) -> int:
        return sum(size for _, _, size in self.outputs)


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


@dataclass
class Placed:
    """A record page as added to the packet."""

    page: PageObject
    display: Display  # as it is displayed, once on its carrier page if it needed one
    source: Source
    carried_from: Rect | None  # its box before it was put on a carrier page

    @property
    def key(self) -> tuple[str, float, float]:
        """One stamp is shared by the pages of a document that have the same size."""
        title = self.source.title or self.source.doc.title
        return (title, round(self.display.width, 2), round(self.display.height, 2))


@dataclass
class Plan:
    sources: list[Source] = field(default_factory=list)
    failed: list[tuple[Document, str]] = field(default_factory=list)


def default_output(folder: Path) -> Path:
    """`<folder>-packet.pdf` in the current folder, or beside the records folder when the
    current folder is inside it."""
    name = f"{folder.resolve().name or 'records'}-packet.pdf"
    here = Path.cwd().resolve()
    if here == folder.resolve() or folder.resolve() in here.parents:
        return folder.resolve().parent / name
    return here / name


def _check_output(folder: Path, output: Path, force: bool) -> Path:
    output = output.expanduser()
    resolved = output.resolve()
    records = folder.resolve()
    if resolved == records or records in resolved.parents:
        raise UsageError(
            f"The packet would be written inside the records folder ({output}).",
            "packet never writes into the records folder; choose another place with -o, "
            "e.g. -o ~/Desktop/packet.pdf",
        )
    if not resolved.parent.is_dir():
        raise UsageError(
            f"The folder {output.parent} does not exist.", "Create it first, or choose another -o."
        )
    if resolved.exists() and not force:
        raise UsageError(
            f"{output} already exists.",
            "Add --force to replace it, or choose another name with -o.",
        )
    if resolved.suffix.lower() != ".pdf":
        raise UsageError(f"{output} does not end in .pdf.", "Name the packet something.pdf.")
    return resolved


def _require_patient(folder: Path, settings: PacketSettings, problems: list[Problem]) -> None:
    missing = [
        label
        for label, value in (
            ("name", settings.patient.name),
            ("date_of_birth", settings.patient.date_of_birth),
        )
        if not value
    ]
    if missing:
        unreadable = next(
            (
                p
                for p in problems
                if p.path == "packet.toml" and p.kind is not ProblemKind.MISSING_PATIENT
            ),
            None,
        )
        raise CaregiverFileError(
            f"packet.toml does not give the patient's {' and '.join(missing).replace('_', ' ')}; "
            "every page of the packet is stamped with them."
            + (f" ({unreadable.message})" if unreadable else ""),
            (unreadable.fix + " Then: " if unreadable else "")
            + 'add them under [patient] in packet.toml, e.g. name = "Ana Example" and date_of_birth = 1961-04-02'
            + (
                "."
                if (folder / "packet.toml").exists()
                else " (run `packet init FOLDER` to create the file)."
            ),
        )


def _refuse_identity_conflict(problems: list[Problem], force: bool) -> None:
    conflict = next((p for p in problems if p.kind is ProblemKind.IDENTITY_CONFLICT), None)
    if conflict and not force:
        raise IdentityError(conflict.message, conflict.fix)


IN_MEMORY = 1 << 20  # records smaller than this are read whole; larger ones stay open


def _open_pdf(stack: ExitStack, path: Path, passwords: list[str]) -> PdfReader:
    """A reader on the file, ready to merge; a copy repaired by PDFium when pypdf cannot parse
    the file (a broken cross-reference table, say)."""
    try:
        reader = _pypdf_reader(stack, path, passwords)
        _usable_pages(reader)
        return reader
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError):
        repaired = _repaired(path, passwords)
        if repaired is None:
            raise
        reader = PdfReader(repaired, strict=False)
        _usable_pages(reader)
        return reader


def _pypdf_reader(stack: ExitStack, path: Path, passwords: list[str]) -> PdfReader:
    """The file opened and unlocked by pypdf. A small record is read into memory, so that a long
    history does not hold thousands of files open; a large one (a scan) is read from the open
    file, as a copy in memory would double what it weighs there."""
    handle: Any
    if path.stat().st_size < IN_MEMORY:
        handle = io.BytesIO(path.read_bytes())
    else:
        handle = stack.enter_context(path.open("rb"))
    reader = PdfReader(handle, strict=False)
    if reader.is_encrypted and not any(reader.decrypt(pw) for pw in ["", *passwords]):
        raise PdfReadError("password")
    return reader


# Held while _EarlyReaders reads a file, and by any fork (the worker processes of `check`):
# a process must not be forked while another thread is inside a library or holds a lock.
_FORK_GUARD = threading.Lock()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(
        before=_FORK_GUARD.acquire,
        after_in_parent=_FORK_GUARD.release,
        after_in_child=_FORK_GUARD.release,
    )


class _EarlyReaders:
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

    def __enter__(self) -> _EarlyReaders:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
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
                    reader = _pypdf_reader(
                        self._files, found.path, data.password_for(found.relative)
                    )
                    metadata = reader.metadata
                    if metadata and str(metadata.get("/Creator", "")).startswith(PACKET_CREATOR):
                        continue  # an earlier packet: never merged
                    _usable_pages(reader)
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


def _usable_pages(reader: PdfReader) -> None:
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
        _read_everything(page, seen)
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


def _read_everything(page: PageObject, seen: set[tuple[int, int]]) -> None:
    """Read every object the page uses (fonts, images, content), now, while a damaged one can
    still send the file to repair; merging reads them again from pypdf's cache, at no cost."""
    stack: list[Any] = [v for k, v in page.items() if k != "/Parent"]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
            if item is None:
                continue
        if isinstance(item, DictionaryObject):
            stack.extend(v for k, v in item.items() if k != "/Parent")
        elif isinstance(item, ArrayObject):
            stack.extend(item)


def _repaired(path: Path, passwords: list[str]) -> io.BytesIO | None:
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


def _open_sources(
    stack: ExitStack,
    index: FolderIndex,
    report: Report,
    paper: tuple[float, float],
    early: _EarlyReaders,
) -> Plan:
    plan = Plan()
    outs = {d.path: d for d in report.documents}
    docs = record_order(index.included)
    # Photos and text files become PDF pages first, in worker processes: it is most of the work.
    jobs = [
        (d.kind, index.sources[d.path], paper)
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
            plan.failed.append(
                (doc, "changed while the packet was being built; build again when it is complete")
            )
            continue
        try:
            if doc.kind is FileKind.PDF:
                passwords = index.caregiver.password_for(doc.path)
                reader = early.take(doc) or _open_pdf(stack, path, passwords)
                source = Source(doc, out, reader, shrink=not doc.bottom_free, file_size=doc.size)
                plan.sources.append(source)
            elif doc.kind in (FileKind.IMAGE, FileKind.TEXT):
                pdf = converted[path]
                if isinstance(pdf, Exception):
                    raise pdf
                plan.sources.append(
                    Source(doc, out, PdfReader(io.BytesIO(pdf)), file_size=len(pdf))
                )
        except Exception as exc:  # one bad record must not stop the packet
            plan.failed.append(
                (doc, f"could not be merged ({exc.__class__.__name__}); the file may be damaged")
            )
    return plan


def _convert(job: tuple[FileKind, Path, tuple[float, float]]) -> bytes | Exception:
    """A photo or text file as PDF bytes; the exception, not raised, when it cannot be."""
    kind, path, paper = job
    try:
        return image_to_pdf(path, paper) if kind is FileKind.IMAGE else text_to_pdf(path, paper)
    except Exception as exc:  # reported by the caller, with the document's name
        return exc


def _changed(path: Path, doc: Document) -> bool:
    """The file is not the one that was read and classified (a sync tool or download replaced it)."""
    try:
        stat = path.stat()
    except OSError:
        return True
    return stat.st_size != doc.size or stat.st_mtime_ns != doc.modified_ns


@dataclass(frozen=True)
class Volume:
    """One PDF of the packet: its records, and its own pages laid out and numbered."""

    ctx: PacketContext
    numbering: Numbering
    front: Rendered
    back: Rendered | None  # "Files not included", in the last volume
    sources: list[Source]


def _layout(ctx_base: dict[str, Any], parts: list[list[Source]]) -> list[Volume]:
    """Render each volume's own pages until their page counts settle, so that every number in
    every contents is the number stamped on the page."""
    n = len(parts)
    fronts, backs = [0] * n, [0] * (n - 1) + [1]
    sections: list[dict[str, int]] = [{} for _ in range(n)]
    record_pages = [sum(len(s.pages) for s in sources) for sources in parts]
    for _ in range(6):
        records = []
        for v, sources in enumerate(parts):
            first = fronts[v] + 1
            for source in sources:
                count = len(source.pages)
                records.append(Record(source.out, first, first + count - 1, v + 1, source.title))
                first += count
        volumes, stable = [], True
        for v in range(n):
            ctx = PacketContext(records=records, volume=v + 1, volumes=n, **ctx_base)
            total = fronts[v] + record_pages[v] + backs[v]
            numbering = Numbering(total=total, sections=sections[v])
            front = front_matter(ctx, numbering)
            back_first = fronts[v] + record_pages[v] + 1
            back = back_matter(ctx, numbering, first_page=back_first) if v == n - 1 else None
            stable &= front.pages == fronts[v] and (back is None or back.pages == backs[v])
            fronts[v] = front.pages
            if back is not None:
                backs[v] = back.pages
            # Where each section will start once the counts just found are used (so that a
            # second pass is usually the last).
            found = {key: 1 + page for key, page in front.sections.items()}
            if back is not None:
                found |= {
                    key: fronts[v] + record_pages[v] + 1 + page
                    for key, page in back.sections.items()
                }
            stable &= found == sections[v]
            sections[v] = found
            volumes.append(Volume(ctx, numbering, front, back, parts[v]))
        if stable:
            return volumes
    raise BuildError(
        "The packet's page numbers did not settle.", "Report this; it is a bug in packet."
    )


FRONT_BYTES = 250_000  # what a volume's own pages weigh at most (cover, contents, fonts)
STAMP_BYTES = 1_500  # what the stamp adds to a page


def _split(
    sources: list[Source], max_size: int | None, factor: float
) -> tuple[list[list[Source]], list[str]]:
    """Records in order, packed into volumes under the size limit. A document is split (by pages)
    only when it alone exceeds a volume; the notes say so."""
    if not max_size:
        return [sources], []
    budget = max_size * factor - FRONT_BYTES
    if budget < 100_000:
        raise UsageError(
            f"--max-size {max_size / 1e6:.1f} MB leaves no room for records after the cover and contents.",
            "Give at least 1MB, e.g. --max-size 20MB.",
        )
    volumes: list[list[Source]] = [[]]
    used = 0.0
    notes = []
    for source in sources:
        pieces = [source]
        if source.estimated_size > budget:
            pages = len(source.pages)
            per_page = source.estimated_size / pages
            size = max(1, int(budget // per_page))
            count = -(-pages // size)
            pieces = [source.part(n * size, size, n + 1, count) for n in range(count)]
            notes.append(
                f"{source.doc.path} alone is larger than --max-size ({source.estimated_size / 1e6:.1f} MB): "
                f"it is split into {count} parts, each in its own volume."
            )
        for piece in pieces:
            if volumes[-1] and used + piece.estimated_size > budget:
                volumes.append([])
                used = 0.0
            volumes[-1].append(piece)
            used += piece.estimated_size
    return volumes, notes


def _stamps(
    keys: list[tuple[str, float, float]], longest: str, settings: PacketSettings
) -> PdfReader:
    """The shared part of the stamps: one page per document and displayed size, with the
    patient, date of birth and title, and room kept for the page number."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1, pageCompression=1)
    left = stamp_left(settings)
    for title, width, height in keys:
        display = Display(width, height, (1, 0, 0, 1, 0, 0))
        canvas.setPageSize((width, height))
        canvas.saveState()
        canvas.scale(display.scale, display.scale)
        reserve = number_width(longest, display) / display.scale
        draw_footer(canvas, width / display.scale, left, title, "", reserve=reserve)
        canvas.restoreState()
        canvas.showPage()
    canvas.save()
    return PdfReader(buffer)


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs what it repairs in damaged files; the caregiver has nothing to do about it."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _allow_open_files() -> None:
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


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Merging makes hundreds of thousands of small PDF objects that live until the packet is
    written; the cycle collector would walk them all again and again (about a tenth of the build
    time) to find almost nothing. What a volume leaves behind is collected once it is written."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True)
class BuildOptions:
    output: Path | None = None  # default: default_output(folder)
    paper: str = "letter"
    force: bool = False  # replace an existing output
    force_identity: bool = False  # build although packet.toml contradicts the records' patient
    passwords: Mapping[str, str] = field(default_factory=dict)  # for locked records, this run only
    encrypt_password: str | None = None  # lock the packet itself (AES-256)
    ocr: bool = False  # read scanned pages with Tesseract to classify and date them
    max_size: int | None = None  # bytes: split the packet into volumes under this size


def build_packet(
    folder: Path,
    options: BuildOptions | None = None,
    progress: Progress | None = None,
    today: date | None = None,
) -> BuildResult:
    options = options or BuildOptions()
    folder = require_folder(folder)
    target = _check_output(folder, options.output or default_output(folder), options.force)
    if options.paper not in PAPERS:
        raise UsageError(
            f"Unknown paper size '{options.paper}'.", "Use --paper letter or --paper a4."
        )
    _allow_open_files()
    with ExitStack() as stack, _quiet_pypdf():
        early = stack.enter_context(_EarlyReaders(folder, options.passwords))
        report, index = check_folder(
            folder, progress, today, options.passwords, options.ocr, layout=True
        )
        settings = index.caregiver.settings
        _require_patient(folder, settings, report.problems)
        _refuse_identity_conflict(report.problems, options.force_identity)
        size = PAPERS[options.paper]
        plan = _open_sources(stack, index, report, size, early)
        early.release()
        stack.enter_context(_collector_paused())
        problems = list(report.problems)
        for doc, reason in plan.failed:
            problems.append(
                Problem(path=doc.path, kind=ProblemKind.CORRUPT_PDF, severity=Severity.ERROR, message=f"This file {reason}.",
                        fix="Open it and save or print it as a new PDF, then build again.")
            )  # fmt: skip
        left_out, ignored = left_out_rows(report)
        left_out = sorted(left_out + [(doc.path, reason) for doc, reason in plan.failed])
        ctx_base = {
            "report": report,
            "settings": settings,
            "paper": size,
            "prepared_on": today or date.today(),
            "left_out": left_out,
            "ignored_summary": ignored,
        }
        notes: list[str] = []
        written: set[Path] = set()  # this run's own files may be replaced when it packs again
        for factor in (0.95, 0.8, 0.65):  # the estimate was off: pack tighter and build again
            parts, notes = _split(plan.sources, options.max_size, factor)
            if progress:
                progress(0, 0, "laying out the contents")
            volumes = _layout(ctx_base, parts)
            targets = _volume_paths(target, len(volumes), options.force, written)
            outputs = []
            for volume, path in zip(volumes, targets, strict=True):
                writer = _assemble(volume, progress)
                if options.encrypt_password:
                    writer.encrypt(
                        user_password=options.encrypt_password,
                        owner_password=options.encrypt_password,
                        algorithm="AES-256",
                    )
                if progress:
                    progress(0, 0, f"writing {path.name}")
                _write(writer, path)
                del writer
                if path != targets[-1]:
                    gc.collect()  # this volume's objects, before the next one is made
                written.add(path)
                outputs.append((path, volume.numbering.total, path.stat().st_size))
            over = [
                v
                for v, o in zip(volumes, outputs, strict=True)
                if options.max_size and o[2] > options.max_size
            ]
            if not over or all(len(v.sources) == 1 for v in over):
                break
        for stale in written - {path for path, _, _ in outputs}:  # volumes of an earlier packing
            stale.unlink(missing_ok=True)
        for volume, (path, _, size) in zip(volumes, outputs, strict=True):
            if options.max_size and size > options.max_size:
                why = (
                    "it holds a single document (or part) that large"
                    if len(volume.sources) == 1
                    else "its records are larger than packet estimated; try a smaller --max-size"
                )
                notes.append(f"{path.name} is {size / 1e6:.1f} MB, over --max-size: {why}.")
    return BuildResult(
        outputs=outputs,
        documents=len({s.doc.path for s in plan.sources}),
        left_out=left_out,
        problems=problems,
        report=report,
        notes=notes,
    )


def _volume_paths(target: Path, count: int, force: bool, written: set[Path]) -> list[Path]:
    """One volume: the output itself; several: `name-volume-1-of-3.pdf` and so on beside it.
    Files this run wrote itself (`written`) may be replaced."""
    if count == 1:
        return [target]
    paths = [
        target.with_name(f"{target.stem}-volume-{k}-of-{count}{target.suffix}")
        for k in range(1, count + 1)
    ]
    existing = [p for p in paths if p.exists() and p not in written]
    if existing and not force:
        raise UsageError(
            f"{existing[0]} already exists.",
            "Add --force to replace it, or choose another name with -o.",
        )
    return paths


def _assemble(volume: Volume, progress: Progress | None) -> PdfWriter:
    ctx, numbering, front, back = volume.ctx, volume.numbering, volume.front, volume.back
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(front.data)).pages:
        writer.add_page(page)

    placed = []
    for source in volume.sources:
        for page in source.pages:
            added = writer.add_page(page)
            strip_active_content(added)
            display = display_of(added)
            carried_from = ensure_room(added, display)
            if carried_from is not None:
                display = display_of(added)
            placed.append(Placed(added, display, source, carried_from))
    keys = [p.key for p in placed]
    unique = list(dict.fromkeys(keys))
    stamps = _stamps(unique, ctx.page_label(numbering.total, numbering.total), ctx.settings)
    forms = {key: form_xobject(writer, stamps.pages[n]) for n, key in enumerate(unique)}
    font = number_font(writer)
    for done, (item, key) in enumerate(zip(placed, keys, strict=True), start=1):
        shrink = item.source.shrink and item.carried_from is None
        label = ctx.page_label(front.pages + done, numbering.total)
        stamp_page(
            writer, item.page, item.display, forms[key], font, label, shrink, item.carried_from
        )
        if progress:
            progress(done, len(placed), "stamping the pages")

    if back is not None:
        for page in PdfReader(io.BytesIO(back.data)).pages:
            writer.add_page(page)

    _links(writer, numbering, front)
    _outline(writer, ctx, numbering)
    writer.set_page_label(0, numbering.total - 1, style=PageLabelStyle.DECIMAL, start=1)
    writer.add_metadata(
        {
            "/Title": f"Second-opinion packet — {ctx.settings.patient.name}"
            + (f" (volume {ctx.volume} of {ctx.volumes})" if ctx.volumes > 1 else ""),
            "/Author": "packet",
            "/Subject": "Medical records for a second opinion",
            "/Creator": PACKET_CREATOR,
            "/Producer": "packet",
        }
    )
    return writer


def _target_page(target: str, numbering: Numbering) -> int | None:
    kind, _, key = target.partition(":")
    if kind == "page":
        return int(key) - 1
    page = numbering.sections.get(key)
    return page - 1 if page else None


def _links(writer: PdfWriter, numbering: Numbering, front: Rendered) -> None:
    for spot in front.links:
        page = _target_page(spot.target, numbering)
        if page is not None:
            writer.add_annotation(spot.page, Link(rect=spot.rect, target_page_index=page))


def _outline(writer: PdfWriter, ctx: PacketContext, numbering: Numbering) -> None:
    for key, page in numbering.sections.items():
        if key != "not_included":
            writer.add_outline_item(title=SECTION_TITLES[key], page_number=page - 1)
    here = ctx.here
    records = (
        writer.add_outline_item(title="Records", page_number=here[0].first - 1) if here else None
    )
    current = None
    parent = None
    for record in here:
        if record.doc.category is not current:
            current = record.doc.category
            parent = writer.add_outline_item(
                title=current.label, page_number=record.first - 1, parent=records
            )
        date_text = record.doc.date.isoformat() if record.doc.date else "date unknown"
        title = f"{record.label} ({date_text})"
        writer.add_outline_item(title=title, page_number=record.first - 1, parent=parent)
    if "not_included" in numbering.sections:
        writer.add_outline_item(
            title=SECTION_TITLES["not_included"], page_number=numbering.sections["not_included"] - 1
        )


def _write(writer: PdfWriter, target: Path) -> None:
    temporary = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        with temporary.open("wb") as f:
            writer.write(f)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
