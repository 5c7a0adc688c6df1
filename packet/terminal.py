"""Showing results in the terminal: rich renderables built from the same models as `--json`.

Nothing here prints; the CLI decides where each renderable goes.
"""

from __future__ import annotations

import csv
import re
import textwrap
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from packet.caregiver import DOCUMENTS_CSV, DOCUMENTS_HEADER, Opinion
from packet.models import (
    OTHER_PATIENT_RECORD,
    ChecklistItem,
    DocumentStatus,
    ExpectedStatus,
    FileKind,
    ItemStatus,
    LineFor,
    Report,
    Severity,
    TrackedRequest,
    record_order,
)
from packet.opinions import NOT_STATED, compare, doctors
from packet.words import plural

# Each status as a symbol and a word, so that it reads without colour too.
STATUS_MARK: dict[ItemStatus, tuple[str, str, str]] = {
    ItemStatus.PRESENT: ("✓", "", "green"),
    ItemStatus.UNVERIFIED: ("?", "UNVERIFIED", "bold yellow"),
    ItemStatus.MISSING: ("✗", "MISSING", "bold red"),
    ItemStatus.PENDING: ("○", "pending", "yellow"),
    ItemStatus.SENT_SEPARATELY: ("→", "sent separately", "cyan"),
    ItemStatus.NOT_APPLICABLE: ("–", "not applicable", "dim"),
}
LISTED_IN_FULL = 300  # more documents than this are summarized by category in the terminal
PROBLEMS_IN_FULL = 100


@dataclass(frozen=True)
class Line:
    """A line of a listing: prose wraps under the text column; a line to copy (`copy`) is shown
    whole on its own line, folded only where the terminal is narrower than the line itself."""

    text: str
    style: str = ""
    copy: bool = False
    path: bool = False  # a file's path: wrapped after a slash or a space, not inside a name


def fix_lines(fix: str) -> list[Line]:
    """A fix as lines: its prose (the first with an arrow), and each line to copy on its own
    (a fix marks them with a two-space indent; see models.Problem)."""
    lines = []
    for number, part in enumerate(fix.split("\n")):
        if part.startswith("  "):
            lines.append(Line(part[2:], "bold", copy=True))
        elif part.strip():
            lines.append(Line(("→ " if number == 0 else "") + part))
    return lines


@dataclass
class Listing:
    """A heading, then entries: a label in the margin (a date, a checklist item) and lines of
    text that wrap under the text, not under the label. Not a rich Table: a table is laid out
    cell by cell, which takes a visible moment for hundreds of documents, and squeezes columns
    until the words a caregiver must copy are cut."""

    heading: str
    margin: int = 14
    entries: list[tuple[Text, list[Line]]] = field(default_factory=list)

    def add(self, label: str | Text, lines: list[Line], style: str = "") -> None:
        """Empty lines are left out."""
        label = label if isinstance(label, Text) else Text(label, style=style)
        self.entries.append((label, [line for line in lines if line.text]))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Segments, line by line: prose is wrapped here to the width, and a line to copy is
        given whole, however long, for the terminal to fold (so that copying it from the
        screen gives the line itself, with no line break inside)."""
        full = options.max_width
        margin = min(self.margin, max(4, full // 2))
        width = max(20, full - margin)
        yield Segment(self.heading, console.get_style("bold underline"))
        for label, lines in self.entries:
            yield Segment.line()
            yield Segment("  ")
            yield from label.render(console)
            column = 2 + label.cell_len  # a label wider than the margin: its text starts below
            for number, line in enumerate(lines):
                style = console.get_style(line.style) if line.style else None
                for piece, indent in _placed(line, margin, width, _block(lines, number)):
                    if column >= indent:
                        yield Segment.line()
                        column = 0
                    yield Segment(" " * (indent - column))
                    yield Segment(piece, style)
                    column = full  # every further piece on a line of its own
        yield Segment.line()


def _block(lines: list[Line], number: int) -> int:
    """The length of the longest line to copy in the run of them that holds line `number`: the
    lines of one snippet (a header and its row) start at one column."""
    if not lines[number].copy:
        return 0
    start = number
    while start > 0 and lines[start - 1].copy:
        start -= 1
    end = number
    while end + 1 < len(lines) and lines[end + 1].copy:
        end += 1
    return max(len(line.text) for line in lines[start : end + 1])


def _placed(line: Line, margin: int, width: int, block: int) -> Iterator[tuple[str, int]]:
    """The pieces of a line and the column each starts at: a line to copy is one piece, at the
    column of its snippet (`block`: its longest line)."""
    if line.copy:
        yield line.text, (margin + 2 if block <= width - 2 else min(4, margin))
        return
    if line.path:
        pieces = _path_pieces(line.text, width)
    else:
        pieces = textwrap.wrap(line.text, width, break_on_hyphens=False) or [""]
    for piece in pieces:
        yield piece, margin


def _path_pieces(path: str, width: int) -> list[str]:
    """A path in lines of at most `width`, broken after a slash or a space where it can be."""
    pieces = [""]
    for token in re.findall(r"[^/ ]+[/ ]*|[/ ]+", path):
        while len(token) > width:  # a name longer than the line: folded, never cut
            if pieces[-1]:
                pieces.append("")
            pieces[-1], token = token[:width], token[width:]
            pieces.append("")
        if len(pieces[-1]) + len(token.rstrip()) > width and pieces[-1]:
            pieces.append("")
        pieces[-1] += token
    return [p.rstrip() for p in pieces if p.strip()] or [""]


def checklist_view(report: Report, verbose: bool = False) -> Listing:
    """One line per item where it fits: its status as a symbol and a word, the item, and what
    satisfies it — or, when it is missing, exactly what to do."""
    width = max((len(i.short or i.label) for i in report.checklist), default=10)
    listing = Listing("Checklist", margin=width + 6)
    for item in report.checklist:
        mark, word, style = STATUS_MARK[item.status]
        if item.status is ItemStatus.MISSING and not item.required:
            mark, word, style = "!", "missing", "yellow"
        label = Text()
        label.append(mark, style=style)
        label.append(" " + (item.short or item.label), style="bold")
        first = item.detail
        if word:
            need = "required" if item.required else "recommended"
            shown = (
                f"{word} ({need})"
                if item.status in (ItemStatus.MISSING, ItemStatus.UNVERIFIED)
                else word
            )
            first = f"{shown}: {first}" if first else shown
        lines = [Line(first, style if word else "")]
        if item.note:
            lines.append(Line(f"Your note: {item.note}"))
        for asked in report.requests:
            if asked.item == item.id:
                lines.append(Line(request_words(asked), "red" if asked.overdue else ""))
        if verbose:
            lines.extend(Line(path, "dim", path=True) for path in item.documents)
        # the files to confirm, always: what the name says, nothing in the record says
        if item.status is ItemStatus.UNVERIFIED:
            lines.extend(Line(path, "yellow", path=True) for path in item.unverified)
        lines.extend(fix_lines(item.fix))
        listing.add(label, lines)
    return listing


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
            category.label,
            str(len(docs)),
            str(sum(d.pages for d in docs)),
            dates[0].isoformat() if dates else "—",
            dates[-1].isoformat() if dates else "—",
            str(len(docs) - len(dates)),
        )
    return table


def documents_view(report: Report, verbose: bool = False) -> RenderableType:
    """Every document, grouped and ordered as in the packet: its date, then its title and pages,
    and the file; with `verbose`, why packet filed and dated it so. A list rather than a table:
    it stays readable in a narrow terminal, and prints fast for hundreds of documents."""
    shown = [d for d in report.documents if d.kind is not FileKind.DICOM]
    included = record_order(d for d in shown if d.status is DocumentStatus.INCLUDED)
    parts: list[RenderableType] = [Text("Documents, in the packet's order", style="bold")]
    for category, docs in groupby(included, key=lambda d: d.category):
        listing = Listing(category.label)
        for doc in docs:
            lines = [
                Line(f"{doc.title} ({plural(doc.pages, 'page')})", "bold"),
                Line(doc.path, path=True),
            ]
            if verbose:
                lines.append(Line(doc.evidence_in_words, "dim"))
            listing.add(
                doc.date.isoformat() if doc.date else "no date",
                lines,
                "" if doc.date else "yellow",
            )
        parts.append(listing)
    others = [d for d in shown if d.status is not DocumentStatus.INCLUDED]
    if others:
        listing = Listing("Not in the packet")
        for (status, reason), group in groupby(
            sorted(others, key=lambda d: (d.status.value, d.reason, d.path)),
            key=lambda d: (d.status, d.reason),
        ):
            paths = [d.path for d in group]
            label = "duplicate" if status is DocumentStatus.DUPLICATE else "left out"
            listing.add(label, [*(Line(path, path=True) for path in paths), Line(reason, "dim")])
        parts.append(listing)
    return Group(*parts)


def studies_view(report: Report) -> RenderableType:
    listing = Listing("Scan studies (DICOM) — sent to the center on the disc")
    for s in report.imaging_studies:
        what = " — ".join(p for p in (s.modality, s.description) if p)
        if s.body_part:
            what += f" ({s.body_part.lower()})"
        lines = [
            Line(f"{what}: {plural(s.series, 'series', 'series')}, {plural(s.images, 'image')}"),
            Line(s.folder, path=True),
            Line(f"report: {s.report}", "green", path=True)
            if s.report
            else Line("no report found — ask the imaging center for it", "yellow"),
        ]
        listing.add(s.date.isoformat() if s.date else "no date", lines)
    if not report.other_studies:
        return listing
    others = Listing("Scan studies left out — another patient's (not counted, not in the packet)")
    for s in report.other_studies:
        what = " — ".join(p for p in (s.modality, s.description) if p)
        others.add(
            s.date.isoformat() if s.date else "no date",
            [Line(what), Line(s.folder, path=True), Line(s.reason, "red")],
        )
    return Group(listing, others) if report.imaging_studies else others


def problems_view(report: Report) -> Listing:
    """Each problem: the file, what is wrong, and what to do, with any line to copy whole."""
    listing = Listing("Problems and what to do", margin=4)
    order = {Severity.ERROR: 0, Severity.WARNING: 1}
    for p in sorted(report.problems, key=lambda p: order[p.severity])[:PROBLEMS_IN_FULL]:
        error = p.severity is Severity.ERROR
        label = Text("✗" if error else "!", style="bold red" if error else "yellow")
        listing.add(
            label,
            [
                Line(p.path or "the whole folder", "bold", path=True),
                Line(p.message, "red" if error else "yellow"),
                *fix_lines(p.fix),
            ],
        )
    return listing


# The blocks of lines to copy, in the order printed: what each group is for.
LINE_GROUPS: tuple[tuple[LineFor, str], ...] = (
    (LineFor.FILL_IN, "For a category or date packet could not find — replace each CATEGORY "
     "and YYYY-MM-DD you know, and delete the lines you cannot fill in:"),
    (LineFor.CHANGE, "In place of these rows documents.csv already has (with the category or "
     "date you know in place of CATEGORY or YYYY-MM-DD):"),
    (LineFor.CONFIRM, "Only for a file that is what its name says (packet could not read that "
     "it is; fill in YYYY-MM-DD where it stands):"),
    (LineFor.OTHER_PATIENT, "Only for a record or scan that is the patient's after all (it names "
     "another person); never for another person's:"),
)  # fmt: skip


def lines_blocks(report: Report) -> list[Listing]:
    """Every problem's line to copy, one block per file to edit: documents.csv (with its first
    line when it does not exist yet) and packet.toml's [passwords]. One edit for the whole
    folder, not one snippet per record."""
    by_kind: dict[LineFor, list[str]] = {}
    for problem in report.problems:
        if problem.line_for is not None and problem.line:
            shown = by_kind.setdefault(problem.line_for, [])
            if problem.line not in shown:
                shown.append(problem.line)
    confirmed = {_path_of(line) for line in by_kind.get(LineFor.CONFIRM, [])}
    if LineFor.FILL_IN in by_kind:  # a confirmation's line carries the date to fill in too
        by_kind[LineFor.FILL_IN] = [
            line for line in by_kind[LineFor.FILL_IN] if _path_of(line) not in confirmed
        ]
    blocks = []
    groups = [(kind, said) for kind, said in LINE_GROUPS if by_kind.get(kind)]
    if groups:
        exists = (Path(report.folder) / DOCUMENTS_CSV).is_file()
        block = Listing("documents.csv: the lines the problems above refer to", margin=4)
        lines = [
            Line(
                "Add them to documents.csv in the records folder."
                if exists
                else "Create documents.csv in the records folder with this first line:"
            ),
            *([] if exists else [Line(DOCUMENTS_HEADER, "bold", copy=True)]),
        ]
        for kind, said in groups:
            lines.append(Line(said))
            lines.extend(Line(line, "bold", copy=True) for line in by_kind[kind])
        block.add("", lines)
        blocks.append(block)
    if by_kind.get(LineFor.PASSWORD):
        block = Listing("packet.toml: the passwords of locked PDFs", margin=4)
        block.add(
            "",
            [
                Line(
                    "Put each password in place of PASSWORD, under one [passwords] line (add that "
                    "line only if packet.toml has none yet):"
                ),
                Line("[passwords]", "bold", copy=True),
                *(Line(line, "bold", copy=True) for line in by_kind[LineFor.PASSWORD]),
            ],
        )
        blocks.append(block)
    return blocks


def _path_of(line: str) -> str:
    return next(csv.reader([line]), [""])[0]


def counts(report: Report, in_packet: int | None = None) -> str:
    """The folder in numbers, the same for `check` and `build`: documents in the packet,
    duplicates, files left out, the scan disc. `in_packet`: what `build` merged, when a record
    could not go in after all (it is then counted as left out)."""
    tally = Counter(d.status for d in report.documents if d.kind is not FileKind.DICOM)
    included = tally[DocumentStatus.INCLUDED]
    merged = included if in_packet is None else in_packet
    left_out = tally[DocumentStatus.EXCLUDED] + included - merged
    parts = [f"{plural(merged, 'document')} in the packet"]
    if tally[DocumentStatus.DUPLICATE]:
        parts.append(f"{plural(tally[DocumentStatus.DUPLICATE], 'duplicate')} counted once")
    if left_out:
        parts.append(f"{plural(left_out, 'file')} left out")
    if report.imaging_studies:
        images = sum(s.images for s in report.imaging_studies)
        parts.append(
            f"{plural(len(report.imaging_studies), 'scan study', 'scan studies')} "
            f"({plural(images, 'image')}) on the disc"
        )
    others = other_patients(report)
    if others:
        parts.append(others)
    if report.ignored:
        parts.append(f"{plural(len(report.ignored), 'system file')} ignored")
    return ", ".join(parts) + "."


def other_patients(report: Report) -> str:
    """'2 records and 4 scan studies left out as another patient's', or ''."""
    records = sum(
        1
        for d in report.documents
        if d.kind is not FileKind.DICOM
        and d.status is DocumentStatus.EXCLUDED
        and d.reason.startswith(OTHER_PATIENT_RECORD)
    )
    studies = len(report.other_studies)
    named = [
        plural(records, "record") if records else "",
        plural(studies, "scan study", "scan studies") if studies else "",
    ]
    if not records and not studies:
        return ""
    return " and ".join(n for n in named if n) + " left out as another patient's"


def short_status(item: ChecklistItem) -> str:
    name = item.short or item.label
    return f"{name} (unverified)" if item.status is ItemStatus.UNVERIFIED else name


def request_words(asked: TrackedRequest) -> str:
    """ "requested on 2026-12-01 — due by 2026-12-31", and of whom when packet.toml says."""
    who = f"{asked.label}: " if asked.institution else ""
    said = f"{who}requested on {asked.requested.isoformat()}"
    if asked.received:
        return f"{said} — received on {asked.received.isoformat()}"
    return f"{said} — due by {asked.due.isoformat()}" + (", overdue" if asked.overdue else "")


def requests_summary(report: Report) -> Text:
    """The closing lines on what was asked and has not come: the overdue first, in red."""
    text = Text()
    waiting = [r for r in report.requests if not r.received]
    for asked in sorted(waiting, key=lambda r: (not r.overdue, r.due)):
        when = f"requested on {asked.requested.isoformat()} — due by {asked.due.isoformat()}"
        if asked.overdue:
            text.append(f"Overdue: {asked.label}, {when}. ", style="bold red")
            text.append("Call them, or send the letter again (packet request).\n")
        else:
            text.append(f"Awaited: {asked.label}, {when}.\n")
    return text


def summary(report: Report) -> Text:
    missing = report.missing_required
    text = Text(counts(report) + "\n")
    text.append_text(requests_summary(report))
    if missing:
        text.append(
            "Missing required: " + ", ".join(short_status(i) for i in missing) + ". ",
            style="bold red",
        )
        text.append("The checklist at the top says what to do for each.")
    elif not report.build_refusal:
        text.append("Every required item is present or accounted for.", style="bold green")
    if report.build_refusal:
        text.append(
            f"\nbuild would stop: {report.build_refusal} (see the packet.toml problem above).",
            style="bold red",
        )
    return text


def facts_view(report: Report, verbose: bool = False) -> Listing | None:
    """The clinical summary's facts, for the caregiver to check against the records: each value
    with the records and pages it was read from (the first two; all with `verbose`)."""
    found = [f for f in report.summary.facts if f.values]
    if not found:
        return None
    differ = any(f.differ for f in found)

    def short(label: str) -> str:  # "Estrogen receptor (ER)" -> "ER"
        initials = re.search(r"\((\w+)\)$", label)
        return initials.group(1) if initials else label

    listing = Listing(
        "Facts for the clinical summary (check each"
        + ("; ≠: records differ)" if differ else " against its record)"),
        margin=max(len(short(f.label)) for f in found) + 6 + (2 if differ else 0),
    )
    for fact in found:
        for number, value in enumerate(fact.values):
            mark = "≠ " if fact.differ else ""
            label = Text(mark + (short(fact.label) if number == 0 else ""), style="bold")
            sources = value.sources if verbose else value.sources[:2]
            lines = [Line(value.value, "bold")]
            lines += [Line(f"{s.path}, page {s.page}", "dim", path=True) for s in sources]
            if len(value.sources) > len(sources):
                more = len(value.sources) - len(sources)
                lines.append(Line(f"and {plural(more, 'more record')} (--verbose)", "dim"))
            listing.add(label, lines)
    return listing


def expected_view(report: Report) -> list[Listing]:
    """For each cancer the records or packet.toml name, the results its workup routinely
    expects: found (with the record and page), pending (with the record that says so), or not
    found, with what to ask. A list of questions, not advice."""
    listings = []
    for cancer in report.summary.expected:
        named = "; ".join(
            f"{n.text} ({n.source.path}, page {n.source.page})" if n.source else
            f"{n.text} (packet.toml)"
            for n in cancer.named_by[:3]
        )  # fmt: skip
        if not cancer.covered:
            listing = Listing("Results the workup usually includes", margin=4)
            listing.add("", [Line(f"Not covered: the table of expected results does not cover "
                                  f"{named}; no questions are added.", "dim")])  # fmt: skip
            listings.append(listing)
            continue
        listing = Listing(
            f"Results the workup of {cancer.name} usually includes (questions, not advice)",
            margin=max(len(r.label) for r in cancer.results) + 6,
        )
        listing.add("named by", [Line(named, "dim", path=True)], style="dim")
        for result in cancer.results:
            label = result.label + (f" ({result.when})" if result.when else "")
            if result.status is ExpectedStatus.FOUND:
                first = result.values[0]
                where = first.sources[0]
                lines = [Line("✓ " + "; ".join(v.value for v in result.values[:2]), "green"),
                         Line(f"{where.path}, page {where.page}", "dim", path=True)]  # fmt: skip
            elif result.status is ExpectedStatus.PENDING:
                where = result.pending[0]
                said = f": “{where.quote}”" if where.quote else ""
                lines = [Line(f"○ pending, a record says{said}", "yellow"),
                         Line(f"{where.path}, page {where.page}", "dim", path=True)]  # fmt: skip
            else:
                lines = [Line("✗ not found in the records", "bold red"), Line(result.ask)]
            listing.add(Text(label, style="bold"), lines)
        listings.append(listing)
    return listings


def report_view(report: Report, verbose: bool = False) -> RenderableType:
    large = len(report.documents) > LISTED_IN_FULL  # a list of thousands helps no one
    parts: list[RenderableType] = [checklist_view(report, verbose)]
    if report.problems:
        parts.append(problems_view(report))
        if len(report.problems) > PROBLEMS_IN_FULL:
            more = len(report.problems) - PROBLEMS_IN_FULL
            parts.append(Text(f"… and {plural(more, 'more problem')}: packet check --json"))
        parts.extend(lines_blocks(report))
    facts = facts_view(report, verbose)
    if facts is not None:
        parts.append(facts)
    parts.extend(expected_view(report))
    unread = report.summary.read_in_part
    if unread:
        whys = Counter(source.unread for source in unread)
        parts.append(
            Text(
                f"{plural(len(unread), 'scanned record')} not read in full ("
                + "; ".join(f"{count}: {why.value}" for why, count in whys.items())
                + "): the clinical summary says so, and may miss what they state.",
                style="yellow",
            )
        )
    parts.append(categories_table(report) if large else documents_view(report, verbose))
    if report.imaging_studies or report.other_studies:
        parts.append(studies_view(report))
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
