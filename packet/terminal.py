"""Showing results in the terminal: rich renderables built from the same models as `--json`.

Nothing here prints; the CLI decides where each renderable goes.
"""

from __future__ import annotations

from collections import Counter
from itertools import groupby

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from packet.caregiver import Opinion
from packet.models import DocumentStatus, FileKind, ItemStatus, Report, Severity, record_order
from packet.opinions import NOT_STATED, compare, doctors

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
        rows = _grid()
        for doc in docs:
            body = Text(doc.title, style="bold")
            body.append(f"  {doc.pages} page{'s' if doc.pages != 1 else ''}", style="dim")
            body.append(f"\n{doc.path}")
            if doc.evidence:
                body.append("\n" + "; ".join(doc.evidence), style="dim")
            date = doc.date.isoformat() if doc.date else Text("unknown", style="yellow")
            rows.add_row(date, body)
        parts += [Text(category.label, style="bold underline"), Padding(rows, (0, 0, 0, 2))]
    others = [d for d in shown if d.status is not DocumentStatus.INCLUDED]
    if others:
        rows = _grid()
        for doc in others:
            rows.add_row(Text(doc.status.value), Text(f"{doc.path}\n{doc.reason}", style="dim"))
        parts += [Text("Not in the packet", style="bold underline"), Padding(rows, (0, 0, 0, 2))]
    return Group(*parts)


def _grid() -> Table:
    grid = Table.grid(padding=(0, 2, 0, 0))
    grid.add_column(no_wrap=True, width=10)
    grid.add_column()
    return grid


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
    text.append(f"{counts[DocumentStatus.INCLUDED]} document(s) to include")
    if counts[DocumentStatus.DUPLICATE]:
        text.append(f", {counts[DocumentStatus.DUPLICATE]} duplicate(s) counted once")
    if counts[DocumentStatus.EXCLUDED]:
        text.append(f", {counts[DocumentStatus.EXCLUDED]} not included")
    if report.imaging_studies:
        images = sum(s.images for s in report.imaging_studies)
        text.append(f", {len(report.imaging_studies)} scan study(ies) with {images} image(s)")
    if report.ignored:
        text.append(f", {len(report.ignored)} system file(s) ignored")
    text.append(".\n")
    if missing:
        text.append(
            "Missing required: " + ", ".join(i.label for i in missing) + ". ",
            style="bold red",
        )
        text.append(
            "Each row above says what to do; mark an item pending in packet.toml once requested."
        )
    else:
        text.append("Every required item is present or accounted for.", style="bold green")
    return text


def report_view(report: Report) -> RenderableType:
    large = (
        len(report.documents) > LISTED_IN_FULL
    )  # a table of thousands helps no one (and is slow)
    parts: list[RenderableType] = [
        checklist_table(report),
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
