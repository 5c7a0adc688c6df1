"""The packet's own pages: the cover, the contents, the checklist status, the timeline,
medications, questions, the opinions side by side, the scans sent separately, and the files not
included. Page numbers come from the builder, so the contents match the stamps.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas

from packet.caregiver import TIMELINE_CSV, PacketSettings
from packet.expected_pages import draw_expected, expected_questions, pending_lines
from packet.layout import (
    ALERT,
    INK,
    MARGIN,
    MUTED,
    OK,
    SHADE,
    WARN,
    Cell,
    Column,
    LinkSpot,
    PageWriter,
    draw,
    draw_footer,
    wrap,
)
from packet.models import (
    CATEGORY_LABELS,
    OTHER_PATIENT_RECORD,
    OTHER_PATIENT_STUDY,
    Allergy,
    Category,
    ChecklistItem,
    DocumentOut,
    DocumentStatus,
    FactSource,
    FileKind,
    ItemStatus,
    Report,
    Unread,
    UnreadSource,
)
from packet.opinions import NOT_STATED, compare, doctors
from packet.words import plural

STATUS_TEXT = {
    ItemStatus.PRESENT: ("Present", OK),
    ItemStatus.UNVERIFIED: ("Not verified", ALERT),
    ItemStatus.MISSING: ("MISSING", ALERT),
    ItemStatus.PENDING: ("Pending", WARN),
    ItemStatus.SENT_SEPARATELY: ("Sent separately", INK),
    ItemStatus.NOT_APPLICABLE: ("Not applicable", MUTED),
}


DIFFER = "≠"  # as `packet compare` marks the rows where the doctors differ
DIFFER_SHADE = Color(0.84, 0.84, 0.84)  # dark enough to survive grey printing and fax


@dataclass(frozen=True)
class Record:
    """A document as placed in the packet."""

    doc: DocumentOut
    first: int  # page numbers in its volume, 1-based
    last: int
    volume: int = 1
    title: str = ""  # the contents title, when it differs from the document's ("… (part 1 of 2)")

    @property
    def label(self) -> str:
        return self.title or self.doc.title


@dataclass
class Numbering:
    total: int = 0
    sections: dict[str, int] = field(default_factory=dict)  # section id -> first page


@dataclass(frozen=True)
class Rendered:
    data: bytes
    pages: int
    links: list[LinkSpot]
    sections: dict[str, int]  # section id -> index of its first page in this rendering
    section_titles: dict[str, str]


@dataclass(frozen=True)
class PacketContext:
    report: Report
    settings: PacketSettings
    records: list[Record]
    paper: tuple[float, float]
    prepared_on: date
    left_out: list[tuple[str, str]]  # (path, reason) for the "Files not included" page
    ignored_summary: str
    volume: int = 1  # which volume these pages are for, when the packet is split
    volumes: int = 1

    @property
    def here(self) -> list[Record]:
        """The records printed in this volume."""
        return [r for r in self.records if r.volume == self.volume]

    def page_label(self, number: int, total: int) -> str:
        volume = f"Volume {self.volume} of {self.volumes} · " if self.volumes > 1 else ""
        return f"{volume}Page {number} of {total}" if total else f"{volume}Page {number}"


def stamp_left(settings: PacketSettings) -> str:
    patient = settings.patient
    dob = patient.date_of_birth.isoformat() if patient.date_of_birth else "?"
    return f"{patient.name} · DOB {dob}"


def _fmt(day: date | None) -> str:
    return day.isoformat() if day else "date unknown"


def _where(record: Record, ctx: PacketContext) -> str:
    """The pages of a record, in this volume or another."""
    return (
        _pages(record)
        if record.volume == ctx.volume
        else f"vol. {record.volume}, p. {record.first}"
    )


def _pages(record: Record) -> str:
    return str(record.first) if record.first == record.last else f"{record.first}–{record.last}"


class _Sections:
    """Runs a PageWriter and remembers on which page each section starts."""

    def __init__(
        self, ctx: PacketContext, numbering: Numbering, first_page: int, label: str
    ) -> None:
        self.ctx = ctx
        self.titles: dict[str, str] = {}
        self.starts: dict[str, int] = {}
        self.current = ""

        def footer(canvas: Canvas, index: int) -> None:
            right = ctx.page_label(first_page + index, numbering.total or 0)
            draw_footer(
                canvas,
                ctx.paper[0],
                stamp_left(ctx.settings),
                self.titles.get(self.current, label),
                right,
            )

        self.writer = PageWriter(ctx.paper, footer)

    def start(self, key: str, title: str, subtitle: str = "") -> PageWriter:
        """Every section starts on a new page; its title names the page in the footer."""
        self.writer.new_page()
        self.current = key
        self.titles[key] = title
        self.starts[key] = self.writer.page
        self.writer.title(title, subtitle)
        return self.writer

    def finish(self) -> Rendered:
        data, pages, links = self.writer.finish()
        return Rendered(data, pages, links, self.starts, self.titles)


SECTION_TITLES = {
    "cover": "Cover",
    "summary": "Clinical summary",
    "contents": "Contents",
    "checklist": "Checklist status",
    "timeline": "Timeline",
    "medications": "Current medications",
    "questions": "Questions for the second-opinion doctor",
    "opinions": "Current opinions side by side",
    "imaging": "Imaging sent separately",
    "not_included": "Files not included",
}


def present_sections(ctx: PacketContext) -> list[str]:
    skip = set()
    if ctx.volume > 1:  # later volumes carry the cover and the contents, then their records
        skip |= {
            "summary",
            "checklist",
            "timeline",
            "medications",
            "questions",
            "opinions",
            "imaging",
        }
    if ctx.volume < ctx.volumes:
        skip.add("not_included")
    if not ctx.report.timeline:
        skip.add("timeline")
    if not ctx.settings.opinion:
        skip.add("opinions")
    if not ctx.report.imaging_studies:
        skip.add("imaging")
    return [key for key in SECTION_TITLES if key not in skip]


def front_matter(ctx: PacketContext, numbering: Numbering) -> Rendered:
    sections = _Sections(ctx, numbering, first_page=1, label="Second-opinion packet")
    draw_section = {
        "cover": lambda: _cover(sections, ctx),
        "summary": lambda: _summary(sections, ctx),
        "contents": lambda: _contents(sections, ctx, numbering),
        "checklist": lambda: _checklist(sections, ctx),
        "timeline": lambda: _timeline(sections, ctx),
        "medications": lambda: _medications(sections, ctx),
        "questions": lambda: _questions(sections, ctx),
        "opinions": lambda: _opinions(sections, ctx),
        "imaging": lambda: _imaging(sections, ctx),
    }
    for key in present_sections(ctx):
        if key in draw_section:
            draw_section[key]()
    return sections.finish()


def back_matter(ctx: PacketContext, numbering: Numbering, first_page: int) -> Rendered:
    sections = _Sections(ctx, numbering, first_page=first_page, label="Files not included")
    w = sections.start(
        "not_included",
        SECTION_TITLES["not_included"],
        "Every file in the records folder is either in this packet or listed here with the reason.",
    )
    if ctx.left_out:
        w.table(
            [Column("File in the records folder", 5), Column("Why it is not in this packet", 5)],
            [[path, _reason_here(path, reason, ctx)] for path, reason in ctx.left_out],
        )
    else:
        w.paragraph("None: every record file is in this packet.")
    if ctx.ignored_summary:
        w.paragraph(ctx.ignored_summary, size=9, color=MUTED)
    return sections.finish()


def _reason_here(path: str, reason: str, ctx: PacketContext) -> str:
    """Why a file is left out, in the packet's terms: a duplicate names the page of the record
    it repeats, not the family's file."""
    original = next(
        (d.duplicate_of for d in ctx.report.documents if d.path == path and d.duplicate_of), None
    )
    record = next((r for r in ctx.records if r.doc.path == original), None)
    if record is None:
        return reason
    where = _where(record, ctx)
    return f"the same file as the record on {where if 'vol.' in where else 'p. ' + where}"


def _joined(*parts: str, sep: str = " · ") -> str:
    return sep.join(p.strip() for p in parts if p and p.strip())


def cover_rows(
    settings: PacketSettings, prepared_on: date, allergies: Sequence[Allergy] = ()
) -> list[tuple[str, str]]:
    """Who the patient is and whom to call, as the family gave it in packet.toml; the allergies
    the records code beside the family's."""
    patient, contact, referring = settings.patient, settings.contact, settings.referring
    opinion = settings.second_opinion
    appointment = opinion.appointment
    person = _joined(
        contact.name, f"({contact.relationship})" if contact.relationship else "", sep=" "
    )
    return [
        ("Date of birth", patient.date_of_birth.isoformat() if patient.date_of_birth else "not given"),
        # the family's words, not the records': the clinical summary gives the records' own
        ("Diagnosis (family)", patient.diagnosis),
        ("Stage (family)", patient.stage),
        ("Allergies (family)", patient.allergies or ("" if allergies else "not stated — ask")),
        ("Allergies (records)", _allergies(allergies)),
        ("Treating doctor", patient.treating_doctor),
        (
            "Referring doctor",
            _joined(
                _joined(referring.doctor, referring.practice, sep=", "),
                f"phone {referring.phone}" if referring.phone else "",
                f"fax {referring.fax}" if referring.fax else "",
            ),
        ),
        (
            "Contact",
            _joined(
                person,
                f"phone {contact.phone}" if contact.phone else "",
                contact.email,
            ),
        ),
        ("Prepared for", _joined(opinion.doctor, opinion.center, sep=", ")),
        (
            "Appointment",
            appointment.isoformat() if isinstance(appointment, date) else str(appointment or ""),
        ),
        ("Prepared on", prepared_on.isoformat()),
    ]  # fmt: skip


def _allergies(allergies: Sequence[Allergy]) -> str:
    """The records' allergies in one line: "Penicillin G (hives); Codeine (nausea)"; when one
    record codes none and another codes some, both are said."""
    coded = [a for a in allergies if a.substance]
    said = "; ".join(a.in_words for a in coded)
    if any(not a.substance for a in allergies):
        said = f"{said}; another record says no known allergies" if said else "no known allergies"
    records = len({p for a in allergies for p in a.sources})
    return f"{said} (coded in {plural(records, 'record')})" if said else ""


def _cover(sections: _Sections, ctx: PacketContext) -> None:
    w = sections.start("cover", "Second-opinion records")
    patient = ctx.settings.patient
    canvas = w.canvas
    w.space(20)
    canvas.setFillColor(INK)
    for line in wrap(patient.name or "(patient name not given)", w.width, 26, bold=True):
        draw(canvas, MARGIN, w.y - 26, line, 26, bold=True)
        w.y -= 34
    w.space(6)
    rows = cover_rows(ctx.settings, ctx.prepared_on, ctx.report.allergies)
    pages = sum(r.last - r.first + 1 for r in ctx.records)
    documents = len({r.doc.path for r in ctx.records})
    rows.append(("This packet", f"{documents} documents, {pages} pages of records"))
    if ctx.volumes > 1:
        here = ctx.here
        rows.append(
            (
                "This volume",
                f"Volume {ctx.volume} of {ctx.volumes}: {len(here)} of the documents "
                "(the contents lists them all and says which volume holds each)",
            )
        )
    for label, value in rows:
        if not value:
            continue
        lines = wrap(value, w.width - 130, 12)
        w.ensure(len(lines) * 16 + 4)
        canvas.setFillColor(MUTED)
        draw(canvas, MARGIN, w.y - 12, label, 10)
        canvas.setFillColor(INK)
        for line in lines:
            draw(canvas, MARGIN + 130, w.y - 12, line, 12)
            w.y -= 16
        w.y -= 6
    separate = [
        i
        for i in ctx.report.checklist
        if i.status in (ItemStatus.SENT_SEPARATELY, ItemStatus.PENDING)
    ]
    if separate or ctx.report.imaging_studies:
        w.space(14)
        w.heading("Coming separately or still pending")
        for item in separate:
            note = f" — {item.note}" if item.note else ""
            w.paragraph(f"• {item.label}: {STATUS_TEXT[item.status][0].lower()}{note}", size=10)
        if ctx.report.imaging_studies:
            count = len(ctx.report.imaging_studies)
            w.paragraph(
                f"• Scan files (DICOM): {plural(count, 'study')}, listed on the "
                "'Imaging sent separately' page",
                size=10,
            )
    missing = ctx.report.missing_required
    if missing:
        w.space(8)
        w.paragraph(
            "Missing: "
            + ", ".join(
                i.label + (" (not verified)" if i.status is ItemStatus.UNVERIFIED else "")
                for i in missing
            ),
            size=10,
            color=ALERT,
            bold=True,
        )


def _record_page(ctx: PacketContext, path: str, page: int) -> tuple[Record, int] | None:
    """The part of a record that holds its `page` (from 1), and that page's packet number."""
    offset = 0
    for record in ctx.records:
        if record.doc.path != path:
            continue
        length = record.last - record.first + 1
        if page <= offset + length:
            return record, record.first + page - 1 - offset
        offset += length
    return None


# Why a scanned record was not read in full, in the center's words (no command-line flags).
UNREAD_WHY = {
    Unread.NO_TESSERACT: "not read: the software that reads scans, Tesseract, was not installed",
    Unread.OCR_OFF: "not read: reading scans was turned off",
    Unread.UNREADABLE: "no readable text found: the scan is unreadable",
    Unread.TOP_ONLY: "read at the top of its first page only",
}
UNREAD_SHORT = {
    Unread.NO_TESSERACT: "Tesseract is not installed",
    Unread.OCR_OFF: "reading scans was turned off",
    Unread.UNREADABLE: "the scan is unreadable",
}


def not_read(unread: list[UnreadSource]) -> str:
    """What a fact's row says when no record gives it and some scans were not read in full:
    "not found" only of what was read."""
    pages = sum(source.pages for source in unread if source.unread in UNREAD_SHORT)
    whys = list(dict.fromkeys(UNREAD_SHORT[s.unread] for s in unread if s.unread in UNREAD_SHORT))
    if not whys:
        return "not found in the text read (some scans were read in part)"
    return (
        f"not found in the text read; {plural(pages, 'scanned page')} could not be read "
        f"({'; '.join(whys)})"
    )


def _cite(ctx: PacketContext, source: FactSource) -> tuple[str, str | None]:
    """'p. 12 · Breast biomarker report, 2026-02-10' and the link to that page, if it is here."""
    found = _record_page(ctx, source.path, source.page)
    if found is None:
        return source.title, None
    record, number = found
    where = f"p. {number}" if record.volume == ctx.volume else f"vol. {record.volume}, p. {number}"
    text = f"{where} · {record.doc.title}" + (
        f", {_fmt(record.doc.date)}" if record.doc.date else ""
    )
    return text, f"page:{number}" if record.volume == ctx.volume else None


def _summary(sections: _Sections, ctx: PacketContext) -> None:
    summary = ctx.report.summary
    w = sections.start(
        "summary",
        "Clinical summary",
        "As the records state it, each value with the page it was read from (every row links "
        f"there). Where records give different values, all are shown and marked {DIFFER}; "
        "packet does not choose. Read by software: check each value on its page.",
    )
    rows: list[list[Cell | str]] = []
    links: list[str | None] = []
    marked: list[bool] = []
    patient = ctx.settings.patient
    for heading, given in (("Diagnosis", patient.diagnosis), ("Stage", patient.stage)):
        if given:
            rows.append(
                [Cell(f"{heading} (as the family gave it)", bold=True), given, "the family"]
            )
            links.append(None)
            marked.append(False)
    unread = summary.read_in_part
    for fact in summary.facts:
        if not fact.values:
            said = not_read(unread) if unread else "not found in the records"
            rows.append([Cell(fact.label, bold=True), Cell(said, color=MUTED), ""])
            links.append(None)
            marked.append(False)
            continue
        differ = fact.differ
        label = f"{DIFFER} {fact.label}" if differ else fact.label
        for value in fact.values:
            for number, source in enumerate(value.sources):
                where, link = _cite(ctx, source)
                rows.append([Cell(label, bold=True), value.value if number == 0 else "", where])
                links.append(link)
                marked.append(differ)
                label = ""
    w.table(
        [Column("", 2.6), Column("Value", 3.2), Column("Where it is written", 4.6)],
        rows,
        links,
        shade=[DIFFER_SHADE if m else None for m in marked],
        marked=marked,
        link_column=2,
    )
    if unread:
        cited = [f"{_cite(ctx, source)[0]} ({UNREAD_WHY[source.unread]})" for source in unread]
        w.space(4)
        w.paragraph(
            f"Not read in full: {plural(len(unread), 'scanned record')}; what they state may be "
            "missing above: " + "; ".join(cited) + ".",
            size=9,
            color=ALERT,
        )
    draw_expected(w, summary, lambda source: _cite(ctx, source))
    if summary.dates:
        w.ensure(110)  # the heading never ends a page without its table
        w.heading("Key dates")
        date_rows: list[list[Cell | str]] = []
        date_links: list[str | None] = []
        for key in summary.dates:
            where, link = _cite(ctx, key.source) if key.source else ("the family's timeline", None)
            date_rows.append([Cell(key.label, bold=True), key.date, where])
            date_links.append(link)
        w.table(
            [Column("", 2.6), Column("Date", 3.2), Column("Where it is written", 4.6)],
            date_rows,
            date_links,
            link_column=2,
        )
    if summary.care:
        w.ensure(130)
        w.heading("Care so far")
        w.paragraph(
            "The institutions whose letterheads the records carry, with the record number each "
            "uses for the patient: where to ask for more.",
            size=9,
            color=MUTED,
        )
        w.space(4)
        w.table(
            [Column("Institution", 4.2), Column("Medical record number", 2.6),
             Column("Records", 3.6)],
            [
                [
                    c.name,
                    ", ".join(c.mrns) or "not given",
                    ", ".join(
                        n for n in (plural(c.records, "record") if c.records else "",
                                    plural(c.studies, "scan study", "scan studies") if c.studies else "") if n
                    )
                    + (
                        f", {_fmt(c.first)}" + (f" to {_fmt(c.last)}" if c.last != c.first else "")
                        if c.first
                        else ""
                    ),
                ]
                for c in summary.care
            ],
        )  # fmt: skip


def _contents(sections: _Sections, ctx: PacketContext, numbering: Numbering) -> None:
    split = ctx.volumes > 1
    w = sections.start(
        "contents",
        "Contents",
        "Every row links to its page. Page numbers are the ones stamped at the foot of each page."
        + (
            f" The packet is in {ctx.volumes} volumes: the Volume column says which holds each "
            "document, and its pages are numbered within that volume."
            if split
            else ""
        ),
    )

    def row(title: Cell | str, day: str, volume: int | None, pages: str) -> list[Cell | str]:
        cells: list[Cell | str] = [title, day]
        if split:
            cells.append(str(volume) if volume else "")
        return [*cells, pages]

    rows: list[list[Cell | str]] = []
    links: list[str | None] = []
    shade: list[Color | None] = []
    for key, heading in SECTION_TITLES.items():
        if key in present_sections(ctx) and key not in ("cover", "contents", "not_included"):
            rows.append(
                row(Cell(heading, bold=True), "", ctx.volume, str(numbering.sections.get(key, "")))
            )
            links.append(f"section:{key}")
            shade.append(None)
    current: Category | None = None
    for record in ctx.records:
        if record.doc.category is not current:  # the group heading names the category
            current = record.doc.category
            rows.append(row(Cell(CATEGORY_LABELS[current], bold=True), "", None, ""))
            links.append(None)
            shade.append(SHADE)
        here = record.volume == ctx.volume
        name: Cell | str = record.label if here else Cell(record.label, color=MUTED)
        rows.append(row(name, _fmt(record.doc.date), record.volume, _pages(record)))
        links.append(f"page:{record.first}" if here else None)
        shade.append(None)
    last = ctx.volume == ctx.volumes
    rows.append(
        row(
            Cell("Files not included", bold=True),
            "",
            ctx.volumes,
            str(numbering.sections.get("not_included", "")) if last else "",
        )
    )
    links.append("section:not_included" if last else None)
    shade.append(None)
    columns = [Column("Document", 7.5), Column("Date", 1.5)]
    if split:
        columns.append(Column("Volume", 1.1, "right"))
    w.table(
        [*columns, Column("Pages", 1.6 if split else 1.1, "right")],
        rows,
        links,
        shade=shade,
        keep_with_next=[fill is SHADE for fill in shade],  # a group heading never ends a page
    )


def _checklist(sections: _Sections, ctx: PacketContext) -> None:
    w = sections.start(
        "checklist",
        "Checklist status",
        "What a complete second-opinion packet holds, and where each item stands. "
        "Missing and pending items are marked.",
    )
    rows: list[list[Cell | str]] = []
    shade: list[Color | None] = []
    for item in ctx.report.checklist:
        text, color = STATUS_TEXT[item.status]
        detail = _checklist_detail(item, ctx)
        rows.append(
            [
                Cell(item.label, bold=True),
                Cell(text, bold=True, color=color),
                item.requirement,
                detail,
            ]
        )
        shade.append(
            SHADE
            if item.status is ItemStatus.PENDING or item in ctx.report.missing_required
            else None
        )
    w.table(
        [Column("Item", 3), Column("Status", 1.6), Column("Needed", 2), Column("Details", 5)],
        rows,
        shade=shade,
    )


def _checklist_detail(item: ChecklistItem, ctx: PacketContext) -> str:
    """What the center holds for an item, in its own terms: the records and their pages, the
    family's lists, the note — never the caregiver's file names or what the family should do."""
    report = ctx.report
    lines: list[str] = []
    if item.status is ItemStatus.PRESENT:
        first: dict[str, Record] = {}
        for record in ctx.records:
            first.setdefault(record.doc.path, record)
        placed = [first[path] for path in item.documents if path in first]
        if placed:
            where = ", ".join(
                _where(r, ctx) for r in sorted(placed, key=lambda r: (r.volume, r.first))
            )
            lines.append(f"{plural(len(placed), 'record')}: p. {where}")
        counts = {
            "timeline": (sum(1 for e in report.timeline if e.source.startswith(TIMELINE_CSV)),
                         "event", " from the family, with the dated records"),
            "questions": (len(report.questions), "question", ""),
            "recommendation": (len(ctx.settings.opinion), "opinion", ", side by side"),
            "medications": (sum(1 for m in report.medications if not m.source), "medicine",
                            " listed by the family"),
        }  # fmt: skip
        if item.id in counts and counts[item.id][0]:
            count, word, after = counts[item.id]
            lines.append(plural(count, word) + after)
        if item.id == "imaging_files" and report.imaging_studies:
            images = sum(s.images for s in report.imaging_studies)
            lines.append(
                f"{plural(len(report.imaging_studies), 'study')}, {plural(images, 'image')}, on the disc"
            )
            unpaired = [first[path] for path in item.no_scans if path in first]
            if unpaired:
                lines.append(
                    "No scan files for: "
                    + "; ".join(
                        f"{r.label}, {_fmt(r.doc.date)} (p. {_where(r, ctx)})" for r in unpaired
                    )
                )
    elif item.status is ItemStatus.MISSING:
        lines.append("Not in this packet")
    elif item.status is ItemStatus.UNVERIFIED:
        lines.append(
            "No record in this packet says it is one (filed here by name only: "
            + plural(len(item.unverified), "record")
            + ")"
        )
    if item.id == "biomarkers" and item.detail.startswith(("found:", "pending:", "not found:")):
        # the expected results' verdicts, in the center's terms (see the clinical summary)
        said = item.detail[0].upper() + item.detail[1:]
        lines = [*lines[:1], said] if item.status is ItemStatus.PRESENT else [said]
    if item.note:
        lines.append(f"Note: {item.note}")
    return "\n".join(lines)


def _timeline(sections: _Sections, ctx: PacketContext) -> None:
    w = sections.start(
        "timeline",
        "Timeline",
        "The family's timeline and every dated record, oldest first. Rows with a page number link to the record; "
        "rows without one come from the family's timeline alone."
        + (" 'vol. 2, p. 3' is page 3 of volume 2." if ctx.volumes > 1 else ""),
    )
    parts: dict[str, list[Record]] = {}
    for record in ctx.records:
        parts.setdefault(record.doc.path, []).append(record)
    rows: list[list[Cell | str]] = []
    links: list[str | None] = []
    for event in ctx.report.timeline:
        records = sorted(
            (r for path in event.documents for r in parts.get(path, [])),
            key=lambda r: (r.volume, r.first),
        )
        lone = records[0] if len(records) == 1 else None
        rows.append(
            [
                str(event.date),
                event.type.value,
                event.description,
                _where(lone, ctx) if lone else "",
            ]
        )
        links.append(f"page:{lone.first}" if lone and lone.volume == ctx.volume else None)
        if len(records) > 1:  # an event with several records: one linked row for each
            for record in records:
                rows.append(["", "", f"   · {record.label}", _where(record, ctx)])
                links.append(f"page:{record.first}" if record.volume == ctx.volume else None)
    w.table(
        [
            Column("Date", 1.4),
            Column("Type", 1.2),
            Column("Event", 6.5 if ctx.volumes == 1 else 5.7),
            Column("Page", 1.2 if ctx.volumes == 1 else 2.0, "right"),
        ],
        rows,
        links,
    )


def _medications(sections: _Sections, ctx: PacketContext) -> None:
    medications = ctx.report.medications
    from_records = any(m.source for m in medications)
    w = sections.start(
        "medications",
        "Current medications",
        "Including vitamins and supplements, as listed by the family"
        + (
            ", and as listed in the records (each with the record it comes from)."
            if from_records
            else "."
        ),
    )
    if not medications:
        w.paragraph("No medications were listed.", color=MUTED)
        return
    titles = {r.doc.path: f"{r.label} (p. {r.first})" for r in ctx.here}
    columns = [
        Column("Medicine", 2.4),
        Column("Dose", 1.3),
        Column("How often", 1.6),
        Column("Why", 2),
        Column("Started", 1.3),
        Column("Notes", 2.2),
    ]
    if from_records:  # room for the source; a date must not wrap
        columns = [
            Column("Medicine", 2.3),
            Column("Dose", 0.9),
            Column("How often", 1.3),
            Column("Why", 1.6),
            Column("Started", 1.5),
            Column("Notes", 1.5),
            Column("Listed by", 1.9),
        ]
    w.table(
        columns,
        [
            [m.name, m.dose, m.how_often, m.reason, m.started, m.notes]
            + (
                [
                    "; ".join(
                        dict.fromkeys(titles.get(p, "the records") for p in [m.source, *m.also])
                    )
                    if m.source
                    else "the family"
                ]
                if from_records
                else []
            )
            for m in medications
        ],
    )


def _questions(sections: _Sections, ctx: PacketContext) -> None:
    w = sections.start("questions", "Questions for the second-opinion doctor")
    if not ctx.report.questions:
        w.paragraph("The family wrote no questions.", color=MUTED)
    for number, question in enumerate(ctx.report.questions, start=1):
        w.paragraph(f"{number}. {question}", size=11)
        w.space(4)
    summary = ctx.report.summary
    asked = expected_questions(summary)
    waiting = pending_lines(summary, lambda source: _cite(ctx, source)[0])
    if asked or waiting:
        w.space(8)
        w.heading("Results the workup usually includes that these records do not give")
        w.paragraph(
            "From the table of results each cancer's workup routinely expects (see the clinical "
            "summary): questions, not advice.",
            size=9,
            color=MUTED,
        )
        w.space(4)
    for number, question in enumerate(asked, start=len(ctx.report.questions) + 1):
        w.paragraph(f"{number}. {question}", size=11)
        w.space(4)
    for line in waiting:
        w.paragraph(line, size=10, color=MUTED)
        w.space(2)


def _opinions(sections: _Sections, ctx: PacketContext) -> None:
    opinions = ctx.settings.opinion
    w = sections.start(
        "opinions",
        "Current opinions side by side",
        "The plans recommended so far, as the family recorded them. Rows where the doctors "
        f"differ are marked {DIFFER} and framed; a blank reads '{NOT_STATED}'.",
    )
    columns = [Column("", 2.2)] + [Column(name, 4) for name in doctors(opinions)]
    rows: list[list[Cell | str]] = []
    marked: list[bool] = []
    for row in compare(opinions):
        label = f"{DIFFER} {row.label}" if row.differ else row.label
        cells: list[Cell | str] = [Cell(label, bold=True)]
        cells += [Cell(v) if v else Cell(NOT_STATED, color=WARN) for v in row.values]
        rows.append(cells)
        marked.append(row.differ)
    w.table(
        columns,
        rows,
        shade=[DIFFER_SHADE if m else None for m in marked],
        marked=marked,
        size=8.5 if len(opinions) < 4 else 7.5,
    )


def _imaging(sections: _Sections, ctx: PacketContext) -> None:
    studies = ctx.report.imaging_studies
    w = sections.start(
        "imaging",
        "Imaging sent separately",
        f"The scan files (DICOM) of {plural(len(studies), 'study')} go to the center on the disc; "
        "they are not printed in this packet.",
    )
    first: dict[str, Record] = {}
    for record in ctx.records:
        first.setdefault(record.doc.path, record)
    rows: list[list[Cell | str]] = []
    links: list[str | None] = []
    for s in studies:
        report = first.get(s.report) if s.report else None
        identifiers = [s.accession]
        if s.study_id and not s.accession:
            identifiers.append(f"Study ID {s.study_id}")
        if s.institution:
            identifiers.append(s.institution)
        rows.append(
            [
                _fmt(s.date),
                s.modality,
                s.description + (f" ({s.body_part.lower()})" if s.body_part else ""),
                f"{plural(s.series, 'series', 'series')}, {plural(s.images, 'image')}",
                "\n".join(i for i in identifiers if i) or "not given",
                Cell(f"p. {_where(report, ctx)}", color=OK)
                if report
                else Cell("no report found", color=WARN),
            ]
        )
        links.append(f"page:{report.first}" if report and report.volume == ctx.volume else None)
    w.table(
        [Column("Date", 1.5), Column("Modality", 1.5), Column("Description", 3.4),
         Column("Series, images", 1.9), Column("Accession, center", 2.9), Column("Report", 1.3)],
        rows,
        links,
        link_column=-1,
    )  # fmt: skip


# The reasons `check` gives the family, said to the center: what is absent and why, never who
# another patient is nor what the family should do about it.
CENTER_REASONS = (
    (OTHER_PATIENT_RECORD, "another patient's record, left out"),
    ("left out by the caregiver", "left out by the family"),
)
CAREGIVER_WORDS = (
    "documents.csv",
    "packet.toml",
    "timeline.csv",
    "medications.csv",
    "questions.md",
)


def center_reason(reason: str) -> str:
    """A reason for the "Files not included" page, in the center's terms."""
    for start, said in CENTER_REASONS:
        if reason.startswith(start):
            return said
    for word in CAREGIVER_WORDS:  # a caregiver's file is never named to the center
        if word in reason:
            reason = reason[: reason.index(word)].rstrip(" (;:,")
    return reason


def left_out_rows(report: Report) -> tuple[list[tuple[str, str]], str]:
    """Every file not in the packet with its reason, in the center's terms; scan files grouped by
    study folder, junk counted."""
    rows: list[tuple[str, str]] = []
    study_folders = sorted({s.folder for s in report.imaging_studies}, key=len)
    dicom: Counter[str] = Counter()
    for doc in report.documents:
        if doc.status is DocumentStatus.INCLUDED:
            continue
        if doc.kind is FileKind.DICOM and doc.reason.startswith("scan image"):
            parent = doc.path.rsplit("/", 1)[0] if "/" in doc.path else "."
            folder = next((f for f in study_folders if doc.path.startswith(f + "/")), parent)
            dicom[folder] += 1
            continue
        if doc.kind is FileKind.DICOM and doc.reason.startswith(OTHER_PATIENT_STUDY):
            continue  # one row per study, below
        rows.append((doc.path, center_reason(doc.reason)))
    for folder, count in sorted(dicom.items()):
        rows.append(
            (
                f"{folder}/ ({plural(count, 'scan file')})",
                "scan images (DICOM): sent to the center on the disc",
            )
        )
    for study in report.other_studies:
        rows.append(
            (
                f"{study.folder}/ ({plural(len(study.files) or study.images, 'scan file')})",
                f"{OTHER_PATIENT_STUDY} ({study.modality}, {_fmt(study.date)}), left out",
            )
        )
    rows.sort()
    ignored = ""
    if report.ignored:
        names = Counter(i.path.rsplit("/", 1)[-1] or i.path for i in report.ignored)
        shown = ", ".join(f"{n} ×{c}" if c > 1 else n for n, c in sorted(names.items()))
        ignored = (
            f"Also ignored: {plural(len(report.ignored), 'system file or folder', 'system files and folders')} "
            f"that are not records ({shown})."
        )
    return rows, ignored
