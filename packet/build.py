"""`packet build`: one PDF for the center — the packet's own pages, then every record grouped by
category and oldest first, every page stamped, with links, an outline and matching page labels.

The output is written to a temporary file beside it and renamed into place; nothing is ever
written inside the records folder.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4, letter

from packet.assembly import assemble, find_unwritable, remove_stale_parts, write_atomically
from packet.caregiver import PacketSettings
from packet.check import check_folder, require_folder
from packet.errors import CaregiverFileError, IdentityError, UsageError, output_error
from packet.index import Progress
from packet.models import (
    Problem,
    ProblemKind,
    Report,
    Severity,
)
from packet.opening import quiet_pypdf
from packet.pages import (
    left_out_rows,
)
from packet.sources import (
    CHANGED_DURING_BUILD,
    EarlyReaders,
    Plan,
    RecordFailed,
    allow_open_files,
    open_sources,
)
from packet.volumes import layout_volumes, split_volumes, volume_paths

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
            ("date of birth", settings.patient.date_of_birth),
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
        example = {
            "name": 'name = "Ana Example"',
            "date of birth": "date_of_birth = 1961-04-02",
        }
        exists = (folder / "packet.toml").is_file()
        raise CaregiverFileError(
            f"packet.toml does not give the patient's {' and '.join(missing)}; "
            "every page of the packet is stamped with "
            + ("it." if len(missing) == 1 else "them.")
            + (f" ({unreadable.message})" if unreadable else ""),
            (unreadable.fix + " Then: " if unreadable else "")
            + "under [patient] in packet.toml, write "
            + " and ".join(example[m] for m in missing)
            + ("." if exists else " (`packet init FOLDER` creates the file)."),
        )


def _refuse_unreadable_settings(problems: list[Problem]) -> None:
    """A packet.toml that cannot be read in full would lose, without a word, what follows the
    error (statuses, opinions, the appointment): fixed first, then built."""
    broken = next((p for p in problems if p.kind is ProblemKind.SETTINGS_UNREADABLE), None)
    if broken:
        raise CaregiverFileError(broken.message, broken.fix)


def _refuse_identity_conflict(problems: list[Problem], force: bool) -> None:
    conflict = next((p for p in problems if p.kind is ProblemKind.IDENTITY_CONFLICT), None)
    if conflict and not force:
        raise IdentityError(conflict.message, conflict.fix)


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
    ocr: bool | None = None  # read scans with Tesseract to file and date them; None: if installed
    max_size: int | None = None  # bytes: split the packet into volumes under this size
    cache: bool = True  # keep and reuse what OCR reads


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
    allow_open_files()
    remove_stale_parts(target)
    with ExitStack() as stack, quiet_pypdf():
        early = stack.enter_context(EarlyReaders(folder, options.passwords))
        report, index = check_folder(
            folder,
            progress,
            today,
            options.passwords,
            options.ocr,
            layout=True,
            cache=options.cache,
        )
        settings = index.caregiver.settings
        _require_patient(folder, settings, report.problems)
        _refuse_unreadable_settings(report.problems)
        _refuse_identity_conflict(report.problems, options.force_identity)
        size = PAPERS[options.paper]
        plan = open_sources(stack, index, report, size, early)
        early.release()
        stack.enter_context(_collector_paused())
        written: set[Path] = set()  # this run's own files may be replaced when it packs again
        try:
            while True:
                try:
                    outputs, notes = _write_volumes(
                        plan, report, settings, target, options, written, progress, today
                    )
                    break
                except RecordFailed as failure:  # that record is repaired or left out; again
                    plan.recover(failure)
        except BaseException:  # stopped or failed with volumes written: no half packet is left
            for path in written:
                path.unlink(missing_ok=True)
            raise
    left_out = _left_out(report, plan)
    problems = list(report.problems) + [
        Problem(path=doc.path, kind=ProblemKind.CORRUPT_PDF, severity=Severity.ERROR, message=f"This file could not go into the packet ({reason}).",
                fix="Build again once it has stopped changing (a sync tool may still be writing it)."
                if reason == CHANGED_DURING_BUILD else "Open it and save or print it as a new PDF, then build again.")
        for doc, reason in plan.failed
    ]  # fmt: skip
    return BuildResult(
        outputs=outputs,
        documents=len({s.doc.path for s in plan.sources}),
        left_out=left_out,
        problems=problems,
        report=report,
        notes=notes,
    )


def _left_out(report: Report, plan: Plan) -> list[tuple[str, str]]:
    rows, _ = left_out_rows(report)
    return sorted(rows + [(doc.path, reason) for doc, reason in plan.failed])


def _write_volumes(
    plan: Plan,
    report: Report,
    settings: PacketSettings,
    target: Path,
    options: BuildOptions,
    written: set[Path],
    progress: Progress | None,
    today: date | None,
) -> tuple[list[tuple[Path, int, int]], list[str]]:
    """Every volume laid out, assembled and written; RecordFailed when one record cannot be."""
    _, ignored = left_out_rows(report)
    ctx_base = {
        "report": report,
        "settings": settings,
        "paper": PAPERS[options.paper],
        "prepared_on": today or date.today(),
        "left_out": _left_out(report, plan),
        "ignored_summary": ignored,
    }
    for factor in (0.95, 0.8, 0.65):  # the estimate was off: pack tighter and build again
        parts, notes = split_volumes(plan.sources, options.max_size, factor)
        if progress:
            progress(0, 0, "laying out the contents")
        volumes = layout_volumes(ctx_base, parts)
        targets = volume_paths(target, len(volumes), options.force, written)
        outputs = []
        for volume, path in zip(volumes, targets, strict=True):
            writer = assemble(volume, progress)
            if options.encrypt_password:
                writer.encrypt(
                    user_password=options.encrypt_password,
                    owner_password=options.encrypt_password,
                    algorithm="AES-256",
                )
            if progress:
                progress(0, 0, f"writing {path.name}")
            try:
                write_atomically(
                    writer, path, replace=options.force or path in written, placed=written
                )
            except FileExistsError as exc:
                raise UsageError(
                    f"{path} was created by another program while this packet was being built.",
                    "Build again with another name (-o), or add --force to replace it.",
                ) from exc
            except OSError as exc:
                raise output_error(exc, path) from exc
            except Exception:
                find_unwritable(volume)  # raises RecordFailed for the record at fault
                raise
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
    return outputs, notes
