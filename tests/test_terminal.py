"""What a caregiver reads in an 80-column terminal: the checklist first, every fix whole, lines
to copy on their own lines and right when followed as written, one set of counts for `check`
and `build`, and no library's warnings."""

from __future__ import annotations

import logging
import re
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

import packet.index
from packet.caregiver import DOCUMENTS_HEADER
from packet.cli import app
from packet.models import Report

from conftest import PATHOLOGY_TEXT, make_pdf

runner = CliRunner()
NARROW = {"COLUMNS": "80", "LINES": "24"}
ODD_PATH = (
    "Downloads, batch two/Saved at home (second copy)/Page saved at home, copy two of two.pdf"
)


def check_text(folder: Path, *options: str) -> str:
    result = runner.invoke(app, ["check", *options, str(folder)], env=NARROW)
    assert result.exit_code in (0, 1, 4), result.output
    return result.output


def check_json(folder: Path) -> Report:
    result = runner.invoke(app, ["check", "--json", str(folder)])
    return Report.model_validate_json(result.stdout)


@pytest.fixture
def needs_help(tmp_path: Path) -> Path:
    """A folder with much to do: required items missing, a record packet cannot file or date
    under a long path with commas, and no packet.toml."""
    root = tmp_path / "records"
    make_pdf(root / ODD_PATH, "Some words that say nothing about what this page is.")
    make_pdf(root / "path.pdf", PATHOLOGY_TEXT)
    return root


def test_check_at_80_columns_shows_every_fix_whole(needs_help: Path) -> None:
    text = check_text(needs_help)
    lines = text.splitlines()
    assert lines[0] == "Checklist"  # the checklist first
    assert "…" not in text and "(s)" not in text and "(ies)" not in text
    flat = " ".join(text.split())
    report = check_json(needs_help)
    fixes = [i.fix for i in report.checklist if i.fix] + [p.fix for p in report.problems]
    to_copy = {part.strip() for fix in fixes for part in fix.split("\n") if part.startswith("  ")}
    to_copy |= {p.line for p in report.problems} | {DOCUMENTS_HEADER, "[passwords]"}
    # Prose fits 80 columns; only a line to copy may run longer, whole, for the terminal to
    # fold (copied from the screen, it has no line break inside).
    assert all(len(line) <= 80 or line.strip() in to_copy for line in lines)
    assert len(fixes) >= 5
    for fix in fixes:
        for part in fix.split("\n"):
            if part.startswith("  "):  # a line to copy: whole, on a line of its own
                assert part.strip() in [line.strip() for line in lines], part
            else:  # prose: every word, in order (wrapping aside)
                assert " ".join(part.split()) in flat, part
    # One line per checklist item where it fits: its symbol, its name, its status.
    assert re.search(r"^  ✓ Pathology reports +1 document$", text, re.M)
    assert re.search(r"^  ✗ Imaging reports +MISSING \(required\)$", text, re.M)
    # The path with commas is shown whole (wrapped at a slash), never cut.
    assert ODD_PATH in " ".join(flat.replace("/ ", "/").split())


def documents_csv_lines(text: str) -> list[str]:
    """The lines of check's documents.csv block, as printed."""
    block = text.split("documents.csv: the lines the problems above refer to", 1)[1]
    block = block.split("Facts for the clinical summary", 1)[0].split("Documents, in", 1)[0]
    return [
        line.strip()
        for line in block.splitlines()
        if line.strip().startswith("path,category") or line.rstrip().endswith(",yes")
    ]


def test_a_documents_csv_line_from_check_works_as_written(needs_help: Path) -> None:
    lines = documents_csv_lines(check_text(needs_help))
    assert lines[0] == "path,category,date,title,include"  # documents.csv does not exist yet
    assert "2026" not in lines[1]  # a placeholder, not a date that reads like a suggestion
    (needs_help / "documents.csv").write_text(
        "\n".join(lines).replace("CATEGORY", "clinic_notes").replace("YYYY-MM-DD", "2026-03-04")
        + "\n"
    )
    report = check_json(needs_help)
    doc = next(d for d in report.documents if d.path == ODD_PATH)
    assert doc.category == "clinic_notes" and str(doc.date) == "2026-03-04"
    assert not [p for p in report.problems if p.path in (ODD_PATH, "documents.csv")]


def test_every_documents_csv_line_is_in_one_block_printed_once(needs_help: Path) -> None:
    make_pdf(needs_help / "misc" / "page two.pdf", "More words that say nothing at all here.")
    text = check_text(needs_help)
    assert text.count("Create documents.csv") == 1 and text.count(DOCUMENTS_HEADER) == 1
    lines = documents_csv_lines(text)
    assert len(lines) == 3 and "misc/page two.pdf,CATEGORY,YYYY-MM-DD,,yes" in lines
    assert "block below" in " ".join(text.split())  # each problem points to it


def test_a_placeholder_left_in_documents_csv_is_named_not_taken(needs_help: Path) -> None:
    (needs_help / "documents.csv").write_text(
        "\n".join(documents_csv_lines(check_text(needs_help))) + "\n"
    )
    report = check_json(needs_help)
    doc = next(d for d in report.documents if d.path == ODD_PATH)
    assert doc.date is None and doc.category == "other"
    said = [p.message for p in report.problems if p.path == "documents.csv"]
    assert any("YYYY-MM-DD" in m for m in said) and any("CATEGORY" in m for m in said)
    # The next suggestion adds one line to the documents.csv that now exists.
    text = check_text(needs_help)
    assert DOCUMENTS_HEADER not in text and "Add them to documents.csv" in text


def test_verbose_check_gives_the_evidence_in_plain_words(needs_help: Path) -> None:
    plain = check_text(needs_help)
    verbose = check_text(needs_help, "--verbose")
    assert "collected 02/10/2026" in verbose and "collected 02/10/2026" not in plain
    assert "heading 'SURGICAL PATHOLOGY REPORT'" in verbose


def test_build_prints_one_summary_with_the_counts_of_check(
    messy_folder: Path, tmp_path: Path
) -> None:
    checked = " ".join(check_text(messy_folder).split())
    counts = re.search(r"\d+ documents? in the packet[^.]*\.", checked)
    assert counts is not None
    out = tmp_path / "p.pdf"
    built = runner.invoke(app, ["build", str(messy_folder), "-o", str(out)], env=NARROW)
    assert built.exit_code == 0, built.output
    said = " ".join(built.output.split())
    assert said.count(counts.group(0)) == 1
    assert said.count("Wrote") == 1 and "(s)" not in said


def test_library_warnings_never_reach_the_terminal(
    needs_help: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read = packet.index.classify

    def noisy(*args: object, **kwargs: object) -> object:
        warnings.warn("Expected explicit VR, but found implicit VR", UserWarning, stacklevel=1)
        logging.getLogger("pypdf").warning("Ignoring wrong pointing object 6 0 (offset 0)")
        return read(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(packet.index, "classify", noisy)
    text = check_text(needs_help)
    assert "Checklist" in text
    assert "VR" not in text and "Ignoring wrong" not in text and "site-packages" not in text
