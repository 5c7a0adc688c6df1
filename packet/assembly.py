"""Assembling one volume: the packet's own pages, every record page stamped, links, outline, page
labels and metadata; then written to a temporary file beside the output and renamed into place.
"""

from __future__ import annotations

import glob
import io
import os
from dataclasses import dataclass
from pathlib import Path

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.annotations import Link
from pypdf.constants import PageLabelStyle
from reportlab.pdfgen.canvas import Canvas

from packet.caregiver import PacketSettings
from packet.geometry import Display, Rect
from packet.index import Progress
from packet.layout import draw_footer
from packet.models import Box, FileKind
from packet.pages import (
    SECTION_TITLES,
    Numbering,
    PacketContext,
    Rendered,
    stamp_left,
)
from packet.reading import PACKET_CREATOR
from packet.sources import Source, record_guard
from packet.stamp import (
    display_of,
    ensure_room,
    form_xobject,
    number_font,
    number_width,
    stamp_page,
)
from packet.stopping import signals_held
from packet.volumes import Volume


@dataclass
class Placed:
    """A record page as added to the packet."""

    page: PageObject
    display: Display  # as it is displayed, once on its carrier page if it needed one
    source: Source
    carried_from: Rect | None  # its box before it was put on a carrier page
    number: int = 0  # its page in the record, from 0

    @property
    def words(self) -> tuple[Box, ...]:
        """What OCR read on it, to lay under it as searchable text: on a scanned PDF's page,
        whose image fills the page OCR read (a photo is placed within margins, and a page on
        a carrier has moved)."""
        layer = self.source.doc.text_layer
        if self.source.doc.kind is not FileKind.PDF or self.carried_from is not None:
            return ()
        if self.number >= len(layer):
            return ()
        return layer[self.number]

    @property
    def key(self) -> tuple[str, float, float]:
        """One stamp is shared by the pages of a document that have the same size."""
        title = self.source.title or self.source.doc.title
        return (title, round(self.display.width, 2), round(self.display.height, 2))


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


def assemble(volume: Volume, progress: Progress | None) -> PdfWriter:
    ctx, numbering, front, back = volume.ctx, volume.numbering, volume.front, volume.back
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(front.data)).pages:
        writer.add_page(page)

    placed = []
    for source in volume.sources:
        with record_guard(source.doc, "copy its pages"):
            for number, page in enumerate(source.pages, start=source.start):
                added = writer.add_page(page)
                display = display_of(added)
                carried_from = ensure_room(added, display)
                if carried_from is not None:
                    display = display_of(added)
                placed.append(Placed(added, display, source, carried_from, number))
    keys = [p.key for p in placed]
    unique = list(dict.fromkeys(keys))
    stamps = _stamps(unique, ctx.page_label(numbering.total, numbering.total), ctx.settings)
    forms = {key: form_xobject(writer, stamps.pages[n]) for n, key in enumerate(unique)}
    font = number_font(writer)
    for done, (item, key) in enumerate(zip(placed, keys, strict=True), start=1):
        shrink = item.source.shrink and item.carried_from is None
        label = ctx.page_label(front.pages + done, numbering.total)
        with record_guard(item.source.doc, "stamp its pages"):
            stamp_page(
                writer,
                item.page,
                item.display,
                forms[key],
                font,
                label,
                shrink,
                item.carried_from,
                item.words,
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


def find_unwritable(volume: Volume) -> None:
    """When a volume cannot be written, the record that stops it: each record's pages are
    written alone, and the first that fails raises RecordFailed. Returns when none does (then
    the fault is the packet's own)."""
    for source in volume.sources:
        with record_guard(source.doc, "write its pages"):
            trial = PdfWriter()
            for page in source.pages:
                trial.add_page(page)
            trial.write(io.BytesIO())


def _part(target: Path, pid: int) -> Path:
    return target.with_name(f".{target.name}.{pid}.part")


def write_atomically(
    writer: PdfWriter, target: Path, replace: bool, placed: set[Path] | None = None
) -> None:
    """Written beside `target` and moved into place whole. Without `replace`, an output that
    appeared meanwhile (another build to the same path) is never replaced: FileExistsError.
    `placed`: gets `target` the moment it is in place, so that a run stopped at that moment
    knows which files it would leave behind."""
    temporary = _part(target, os.getpid())
    try:
        with temporary.open("wb") as f:
            writer.write(f)
        with signals_held():
            _move_into_place(temporary, target, replace)
            if placed is not None:
                placed.add(target)
    finally:
        temporary.unlink(missing_ok=True)


def _move_into_place(temporary: Path, target: Path, replace: bool) -> None:
    if replace:
        os.replace(temporary, target)
        return
    try:
        os.link(temporary, target)  # fails if the target exists: exclusive and atomic
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links (FAT, exFAT): nearly as good
        if target.exists():
            raise FileExistsError(target) from None
        os.replace(temporary, target)


def remove_stale_parts(target: Path) -> None:
    """Temporary files an earlier build left beside `target` when it was killed outright
    (SIGKILL, a power cut): no process of theirs is alive to finish them."""
    for part in target.parent.glob(f".{glob.escape(target.name)}.*.part"):
        pid = part.name[len(target.name) + 2 : -len(".part")]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            part.unlink(missing_ok=True)
        except OSError:  # alive, another user's
            continue
