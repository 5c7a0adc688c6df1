"""The expected results on the center's pages: on the clinical summary, each result the named
cancer's workup routinely expects, found (with its value and page), pending (with the record that
says so) or not found; on the questions page, after the family's own questions, the ones not
found, asked in the center's terms. No caregiver file name and no how-to appears here.
"""

from __future__ import annotations

from collections.abc import Callable

from packet.layout import ALERT, MUTED, WARN, Cell, Column, PageWriter
from packet.models import (
    ClinicalSummary,
    ExpectedCancer,
    ExpectedResult,
    ExpectedStatus,
    FactSource,
)

Cite = Callable[[FactSource], tuple[str, str | None]]
SHOWN_VALUES = 2  # a result read from many records: its first values, the rest on their pages


def _named_by(cancer: ExpectedCancer, cite: Cite) -> str:
    """ "invasive ductal carcinoma, left breast (p. 13 · Surgical pathology, 2026-02-10); the
    family's diagnosis: …": the words each record gives, said once per record."""
    by_place: dict[str, list[str]] = {}
    for given in cancer.named_by:
        where = cite(given.source)[0] if given.source else ""
        texts = by_place.setdefault(where, [])
        if given.text not in texts:
            texts.append(given.text)
    parts = [
        f"{', '.join(texts)} ({where})" if where else f"the family's diagnosis: {', '.join(texts)}"
        for where, texts in by_place.items()
    ]
    shown = parts[:3]
    more = len(parts) - len(shown)
    return "; ".join(shown) + (f"; and {more} more records" if more > 0 else "")


def _page(where: str) -> str:
    """ "p. 15" of "p. 15 · Breast biomarker report, 2026-02-10": the summary's rows above
    name the record; this table only points at its page."""
    return where.split(" · ")[0] if where.startswith(("p. ", "vol. ")) else where


def _label(result: ExpectedResult) -> str:
    return f"{result.label} ({result.when})" if result.when else result.label


def _row(result: ExpectedResult, cite: Cite) -> tuple[list[Cell | str], str | None]:
    label = Cell(_label(result), bold=True)
    if result.status is ExpectedStatus.FOUND:
        values = "; ".join(v.value for v in result.values[:SHOWN_VALUES])
        if len(result.values) > SHOWN_VALUES:
            values += f"; and {len(result.values) - SHOWN_VALUES} more"
        where, link = cite(result.values[0].sources[0])
        return [label, Cell("found", bold=True), values, _page(where)], link
    if result.status is ExpectedStatus.PENDING:
        where, link = cite(result.pending[0])
        return [label, Cell("pending", bold=True, color=WARN),
                f"“{result.pending[0].quote}”", _page(where)], link  # fmt: skip
    partial = "; ".join(v.value for v in result.values)
    said = f"found: {partial}; not found: {', '.join(result.missing)}" if partial else ""
    return [label, Cell("NOT FOUND", bold=True, color=ALERT), said or
            Cell("asked on the questions page", color=MUTED), ""], None  # fmt: skip


def draw_expected(w: PageWriter, summary: ClinicalSummary, cite: Cite) -> None:
    """The summary's section: for each cancer named, what its workup expects and where it is."""
    for cancer in summary.expected:
        w.space(8)
        w.ensure(120)
        if not cancer.covered:
            w.heading("Results the workup usually includes")
            w.paragraph(
                f"The diagnosis in these records ({_named_by(cancer, cite)}) is not one the "
                "table of expected results covers; no questions are added for it.",
                size=9,
                color=MUTED,
            )
            continue
        w.heading(f"Results the workup of {cancer.name} usually includes")
        w.paragraph(
            f"Named by: {_named_by(cancer, cite)}. After public guidance (sources below); a list "
            "of questions, not advice.",
            size=9,
            color=MUTED,
        )
        w.space(4)
        rows: list[list[Cell | str]] = []
        links: list[str | None] = []
        for result in cancer.results:
            row, link = _row(result, cite)
            rows.append(row)
            links.append(link)
        w.table(
            [Column("Result", 3.1), Column("Status", 1.3), Column("Value", 4.6),
             Column("Page", 1.4)],
            rows,
            links,
            link_column=3,
        )  # fmt: skip
        sources = list(dict.fromkeys(s for r in cancer.results for s in r.source.split("; ") if s))
        w.space(2)
        w.paragraph("Sources: " + "; ".join(sources) + ".", size=7.5, color=MUTED)
        w.space(10)


def expected_questions(summary: ClinicalSummary) -> list[str]:
    """The center's questions for the expected results no record gives, in the table's order."""
    questions = []
    for cancer in summary.expected:
        for result in cancer.not_found:
            question = result.question
            if result.missing and result.values:
                found = "; ".join(v.value for v in result.values)
                question = (
                    f"{result.label} — {', '.join(result.missing)}: no result is in these "
                    f"records (found: {found}). Was it tested?"
                )
            if question not in questions:
                questions.append(question)
    return questions


def pending_lines(summary: ClinicalSummary, cite: Callable[[FactSource], str]) -> list[str]:
    """The expected results a record says are to come, each with that record."""
    by_record: dict[str, list[str]] = {}
    for cancer in summary.expected:
        for result in cancer.results:
            if result.status is ExpectedStatus.PENDING:
                by_record.setdefault(cite(result.pending[0]), []).append(_label(result))
    return [
        f"{', '.join(labels)} — pending: {where} says "
        + ("it is" if len(labels) == 1 else "they are")
        + " to come."
        for where, labels in by_record.items()
    ]
