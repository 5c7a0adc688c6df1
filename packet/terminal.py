"""Showing results in the terminal: rich renderables built from the same models as `--json`.

Nothing here prints; the CLI decides where each renderable goes.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from dataclasses import dataclass, field
from itertools import groupby

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from packet.caregiver import Opinion
from packet.models import DocumentStatus, FileKind, ItemStatus, Report, Severity, record_order
from packet.opinions import NOT_STATED, compare, doctors
from packet.words import plural

STATUS_STYLE: dict[ItemStatus, tuple[str, str]] = {
    ItemStatus.PRESENT: ("present", "green"),
    ItemStatus.MISSING: ("MISSING", "bold red"),
    ItemStatus.PENDING: ("pending", "yellow"),
    ItemStatus.SENT_SEPARATELY: ("sent separately", "cyan"),
    ItemStatus.NOT_APPLICABLE: ("not applicable", "dim"),
}


def checklist_table(report: Report) -> Table:
    table = Table(title="Checklist", title_justify="left", expand=False)
    table.add_column("Item", ratio=1)
    table.add_column("Status")
    table.add_column("Needed")
    table.add_column("What satisfies it / what to do", ratio=3)
    for item in report.checklist:
        label, style = STATUS_STYLE[item.status]
        if item.status is ItemStatus.MISSING and not item.required:
            style = "yellow"
        parts = []
        if item.detail:
            parts.append(item.detail)
        if item.documents and item.id not in ("imaging_files",):
            shown = ", ".join(item.documents[:3]) + (
                f" (+{len(item.documents) - 3} more)" if len(item.documents) > 3 else ""
            )
            parts.append(shown)
        if item.note:
            parts.append(f"Note: {item.note}")
        if item.fix:
            parts.append(f"→ {item.fix}")
        table.add_row(
            Text(item.label),
            Text(label, style=style),
            Text(item.requirement),
            Text("\n".join(parts)),
        )
    return table


LISTED_IN_FULL = 300  # more documents than this are summarized by category in the terminal
PROBLEMS_IN_FULL = 100


def categories_table(report: Report) -> Table:
    """A large folder at a glance: documents, pages and dates by category."""
    table = Table(
        title="Documents by category (all of them: packet check --json)", title_justify="left"
    )
    for column in ("Category", "Documents", "Pages", "Earliest", "Latest", "Date unknown"):
        table.add_column(column, justify="left" if column == "Category" else "right")
    included = [d for d in report.documents if d.status is DocumentStatus.INCLUDED]
    for category in sorted({d.category for d in included}, key=lambda c: c.value):
        docs = [d for d in included if d.category is category]
        dates = sorted(d.date for d in docs if d.date)
        table.add_row(
            category.value,
            str(len(docs)),
            str(sum(d.pages for d in docs)),
            dates[0].isoformat() if dates else "—",
            dates[-1].isoformat() if dates else "—",
            str(len(docs) - len(dates)),
        )
    return table


def documents_view(report: Report) -> RenderableType:
    """Every document, grouped and ordered as in the packet: its date, then its title and pages,
    the file, and the evidence for its category and date beneath. A list rather than a table:
    it stays readable in a narrow terminal, and prints fast for hundreds of documents."""
    shown = [d for d in report.documents if d.kind is not FileKind.DICOM]
    included = record_order(d for d in shown if d.status is DocumentStatus.INCLUDED)
    parts: list[RenderableType] = [Text("Documents, in the packet's order", style="table.title")]
    for category, docs in groupby(included, key=lambda d: d.category):
        listing = Listing(category.label)
        for doc in docs:
            pages = f"{doc.pages} page{'s' if doc.pages != 1 else ''}"
            listing.add(
                doc.date.isoformat() if doc.date else "unknown",
                "" if doc.date else "yellow",
                [
                    (f"{doc.title}  ({pages})", "bold"),
                    (doc.path, ""),
                    ("; ".join(doc.evidence), "dim"),
                ],
            )
        parts.append(listing)
    others = [d for d in shown if d.status is not DocumentStatus.INCLUDED]
    if others:
        listing = Listing("Not in the packet")
        for doc in others:
            listing.add(doc.status.value, "", [(doc.path, ""), (doc.reason, "dim")])
        parts.append(listing)
    return Group(*parts)


@dataclass
class Listing:
    """A heading, then entries: a short label (a date) in the margin and lines of text that wrap
    under the text, not under the label. It is one Text: rich lays a table out cell by cell,
    which takes a visible moment for hundreds of documents."""

    heading: str
    entries: list[tuple[str, str, list[tuple[str, str]]]] = field(default_factory=list)
    margin: int = 14

    def add(self, label: str, style: str, lines: list[tuple[str, str]]) -> None:
        """`lines`: (text, style) pairs; empty ones are left out."""
        self.entries.append((label, style, [line for line in lines if line[0]]))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(24, options.max_width - self.margin)
        text = Text(self.heading, style="bold underline")
        for label, label_style, lines in self.entries:
            text.append("\n")
            text.append(f"  {label}".ljust(self.margin), style=label_style)
            first = True
            for line, style in lines:
                for piece in textwrap.wrap(line, width, break_on_hyphens=False) or [""]:
                    if not first:
                        text.append("\n" + " " * self.margin)
                    text.append(piece, style=style)
                    first = False
        yield text


def studies_table(report: Report) -> Table:
    table = Table(
        title="Scan studies (DICOM) — sent to the center on the disc", title_justify="left"
    )
    for column in ("Date", "Modality", "Description", "Series", "Images", "Folder", "Report"):
        table.add_column(column, justify="right" if column in ("Series", "Images") else "left")
    for s in report.imaging_studies:
        report_cell = (
            Text(f"report found: {s.report}", style="green")
            if s.report
            else Text("no report found — ask the imaging center for it", style="yellow")
        )
        table.add_row(
            s.date.isoformat() if s.date else "unknown",
            Text(s.modality),
            Text(s.description + (f" ({s.body_part.lower()})" if s.body_part else "")),
            str(s.series),
            str(s.images),
            Text(s.folder),
            report_cell,
        )
    return table


def problems_table(report: Report) -> Table:
    table = Table(title="Problems and what to do", title_justify="left")
    table.add_column("File")
    table.add_column("Problem")
    table.add_column("What to do")
    order = {Severity.ERROR: 0, Severity.WARNING: 1}
    for p in sorted(report.problems, key=lambda p: order[p.severity])[:PROBLEMS_IN_FULL]:
        style = "red" if p.severity is Severity.ERROR else "yellow"
        table.add_row(Text(p.path or "(whole folder)"), Text(p.message, style=style), Text(p.fix))
    return table


def summary(report: Report) -> Text:
    counts = Counter(d.status for d in report.documents if d.kind is not FileKind.DICOM)
    missing = report.missing_required
    text = Text()
    text.append(f"{plural(counts[DocumentStatus.INCLUDED], 'document')} to include")
    if counts[DocumentStatus.DUPLICATE]:
        text.append(f", {plural(counts[DocumentStatus.DUPLICATE], 'duplicate')} counted once")
    if counts[DocumentStatus.EXCLUDED]:
        text.append(f", {counts[DocumentStatus.EXCLUDED]} not included")
    if report.imaging_studies:
        images = sum(s.images for s in report.imaging_studies)
        text.append(
            f", {plural(len(report.imaging_studies), 'scan study', 'scan studies')} "
            f"with {plural(images, 'image')}"
        )
    if report.ignored:
        text.append(f", {plural(len(report.ignored), 'system file')} ignored")
    text.append(".\n")
    if missing:
        text.append(
            "Missing required: " + ", ".join(i.label for i in missing) + ". ",
            style="bold red",
        )
        text.append(
            "Each row above says what to do; mark an item pending in packet.toml once requested."
        )
    elif not report.build_refusal:
        text.append("Every required item is present or accounted for.", style="bold green")
    if report.build_refusal:
        text.append(
            f"\nbuild would stop: {report.build_refusal} (see the packet.toml problem above).",
            style="bold red",
        )
    return text


def facts_view(report: Report) -> Text:
    """The clinical summary's facts, for the caregiver to check against the records."""
    text = Text()
    found = [f for f in report.summary.facts if f.values]
    if not found:
        return text
    text.append("Read from the records for the clinical summary", style="bold")
    text.append(" (check each against its record; ≠ where records differ)\n")
    for fact in found:
        for value in fact.values:
            mark = "≠ " if fact.differ else "  "
            where = "; ".join(f"{s.path}, page {s.page}" for s in value.sources)
            text.append(f"{mark}{fact.label}: ", style="bold")
            text.append(f"{value.value} — {where}\n")
    return text


def report_view(report: Report) -> RenderableType:
    large = (
        len(report.documents) > LISTED_IN_FULL
    )  # a table of thousands helps no one (and is slow)
    parts: list[RenderableType] = [
        checklist_table(report),
        facts_view(report),
        categories_table(report) if large else documents_view(report),
    ]
    if report.imaging_studies:
        parts.append(studies_table(report))
    if report.problems:
        parts.append(problems_table(report))
        if len(report.problems) > PROBLEMS_IN_FULL:
            parts.append(
                Text(
                    f"… and {len(report.problems) - PROBLEMS_IN_FULL} more problems: packet check --json"
                )
            )
    parts.append(summary(report))
    return Group(*parts)


def timeline_table(report: Report) -> Table:
    table = Table(title="Timeline", title_justify="left")
    table.add_column("Date", no_wrap=True)
    table.add_column("Type")
    table.add_column("Event", ratio=3)
    table.add_column("Records", ratio=2)
    for event in report.timeline:
        source = "" if event.documents else Text("family timeline", style="dim")
        table.add_row(
            str(event.date),
            Text(event.type.value),
            Text(event.description),
            Text("\n".join(event.documents)) if event.documents else source,
        )
    return table


def comparison_table(opinions: list[Opinion]) -> Table:
    table = Table(
        title="Current opinions side by side (rows that differ are marked ≠)", title_justify="left"
    )
    table.add_column("", no_wrap=False)
    for name in doctors(opinions):
        table.add_column(Text(name), ratio=1)
    for row in compare(opinions):
        label = Text(
            ("≠ " if row.differ else "  ") + row.label,
            style="bold yellow" if row.differ else "bold",
        )
        cells = [Text(v) if v else Text(NOT_STATED, style="yellow") for v in row.values]
        table.add_row(label, *cells)
    return table
