"""The command line: help, version, exit codes, JSON on stdout only, init never overwriting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from packet.cli import app
from packet.models import Report

from conftest import CONSULT_TEXT, PATHOLOGY_TEXT, fingerprint, make_pdf

runner = CliRunner()
EXAMPLE = Path(__file__).parent.parent / "examples" / "sample-records"


def test_every_command_has_help_with_an_example() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0, result.output
    names = [c.name or c.callback.__name__ for c in app.registered_commands if c.callback]
    assert {"init", "check"} <= set(names)
    for name in names:
        sub = runner.invoke(app, [name, "--help"])
        assert sub.exit_code == 0, sub.output
        assert f"packet {name}" in sub.output, f"{name} --help shows no example"


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("packet ")


def test_init_creates_the_caregiver_files_and_never_overwrites(tmp_path: Path) -> None:
    folder = tmp_path / "my-records"
    result = runner.invoke(app, ["init", str(folder)])
    assert result.exit_code == 0, result.output
    for name in ("packet.toml", "timeline.csv", "medications.csv", "questions.md"):
        assert (folder / name).is_file()
    (folder / "timeline.csv").write_text("date,type,description\n2026-01-01,symptom,Mine\n")
    again = runner.invoke(app, ["init", str(folder)])
    assert again.exit_code == 0
    assert "kept" in again.output
    assert "Mine" in (folder / "timeline.csv").read_text()


def test_the_templates_hold_no_events_of_their_own(tmp_path: Path) -> None:
    folder = tmp_path / "r"
    runner.invoke(app, ["init", str(folder)])
    result = runner.invoke(app, ["check", "--json", str(folder)])
    report = Report.model_validate_json(result.stdout)
    assert report.timeline == [] and report.medications == [] and report.questions == []
    assert not [p for p in report.problems if p.kind == "caregiver_file"]


def test_check_on_the_example_is_complete_and_exits_0() -> None:
    result = runner.invoke(app, ["check", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "Every required item is present" in result.output


def test_check_lists_documents_in_the_packets_order_with_their_evidence(messy_folder: Path) -> None:
    result = runner.invoke(app, ["check", "--verbose", str(messy_folder)], terminal_width=100)
    text = " ".join(result.output.split())  # wrapping aside
    text = text[text.index("Documents, in the packet's order") :]
    # Grouped under the packet's section names, pathology before imaging, as in the PDF.
    assert text.index("Pathology") < text.index("Imaging reports") < text.index("Not in the packet")
    pathology = text[text.index("Pathology") : text.index("Imaging reports")]
    assert "Path reports/scan0001.pdf" in pathology
    # The evidence in plain words (with --verbose): the heading, and the date as it is labelled.
    assert "heading 'SURGICAL PATHOLOGY REPORT'; collected 02/10/2026" in pathology
    assert "text:" not in text and "(line " not in text
    # What is left out says why, beneath its name.
    left_out = text[text.index("Not in the packet") :]
    assert (
        "duplicate Downloads/Document (3) copy.pdf identical to Radiology/Document (3).pdf"
        in left_out
    )
    assert "empty.pdf empty file (0 bytes)" in left_out


def test_check_exits_1_while_a_required_item_is_missing(tmp_path: Path) -> None:
    make_pdf(tmp_path / "r" / "path.pdf", PATHOLOGY_TEXT)
    result = runner.invoke(app, ["check", str(tmp_path / "r")])
    assert result.exit_code == 1, result.output
    assert "MISSING" in result.output


def test_items_marked_pending_or_not_applicable_do_not_fail_the_check(tmp_path: Path) -> None:
    root = tmp_path / "r"
    make_pdf(root / "path.pdf", PATHOLOGY_TEXT)
    marks = "".join(
        f'[checklist.{item}]\nstatus = "{status}"\n'
        for item, status in [("imaging", "pending"), ("clinic_notes", "requested"), ("biomarkers", "pending"),
                             ("medications", "not_applicable"), ("timeline", "not applicable")]
    )  # fmt: skip
    patient = '[patient]\nname = "Ana Example"\ndate_of_birth = 1961-04-02\n'
    (root / "packet.toml").write_text(patient + marks)
    result = runner.invoke(app, ["check", str(root)])
    assert result.exit_code == 0, result.output
    (root / "packet.toml").write_text(marks)  # complete, but build would stop without the patient
    result = runner.invoke(app, ["check", str(root)])
    assert result.exit_code == 3 and "build would stop" in result.output


@pytest.mark.parametrize("args", [["check", "/no/such/folder"], ["check"], ["frobnicate"]])
def test_usage_errors_exit_2_without_a_traceback(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_check_json_is_the_report_on_stdout_only(messy_folder: Path) -> None:
    result = runner.invoke(app, ["check", "--json", str(messy_folder)])
    assert result.exit_code == 1  # the messy folder has no biomarker results and no medications
    data = json.loads(result.stdout)
    report = Report.model_validate(data)
    assert {"documents", "imaging_studies", "checklist", "timeline", "problems"} <= set(data)
    for doc in data["documents"]:
        assert {
            "path",
            "category",
            "date",
            "title",
            "pages",
            "status",
            "reason",
            "evidence",
        } <= set(doc)
        assert doc["date"] is None or len(doc["date"]) == 10
    assert report.missing_required


def test_check_writes_nothing_in_the_folder(messy_folder: Path) -> None:
    before = fingerprint(messy_folder)
    runner.invoke(app, ["check", str(messy_folder)])
    runner.invoke(app, ["check", "--json", str(messy_folder)])
    assert fingerprint(messy_folder) == before


def test_hints_with_brackets_are_shown_as_written(tmp_path: Path) -> None:
    make_pdf(tmp_path / "r" / "a.pdf", PATHOLOGY_TEXT)
    result = runner.invoke(app, ["build", str(tmp_path / "r"), "-o", str(tmp_path / "o.pdf")])
    assert result.exit_code == 3
    assert "[patient]" in result.output  # not swallowed as terminal markup


def test_an_empty_timeline_says_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "r").mkdir()
    result = runner.invoke(app, ["timeline", str(tmp_path / "r")])
    assert result.exit_code == 0 and "timeline.csv" in result.output


def test_check_says_build_would_stop_when_packet_toml_lacks_the_patient(tmp_path: Path) -> None:
    root = tmp_path / "r"
    make_pdf(root / "a.pdf", CONSULT_TEXT)
    (root / "packet.toml").write_text('[patient]\nname = ""\ndate_of_brith = 1961-04-02\n')
    result = runner.invoke(app, ["check", str(root)])
    assert result.exit_code != 0, result.output
    assert "build would stop" in result.output
    assert "Every required item is present" not in result.output


def test_build_does_not_ask_to_run_init_when_packet_toml_exists(tmp_path: Path) -> None:
    root = tmp_path / "r"
    make_pdf(root / "a.pdf", CONSULT_TEXT)
    (root / "packet.toml").write_text('[patient]\nname = "Ana Example"\n')
    result = runner.invoke(app, ["build", str(root), "-o", str(tmp_path / "o.pdf")])
    assert result.exit_code == 3
    assert "packet init" not in result.output


def test_init_in_a_folder_of_records_proposes_the_patient_they_agree_on(tmp_path: Path) -> None:
    root = tmp_path / "records"
    root.mkdir()
    header = "Patient: EXAMPLE, ANA\nDOB: 04/02/1961\n"
    make_pdf(root / "path.pdf", header + "SURGICAL PATHOLOGY REPORT")
    make_pdf(root / "ct.pdf", header + "CT CHEST WITH CONTRAST")
    make_pdf(root / "other.pdf", "Patient: Someone Else\nDOB: 01/01/1950\nLAB RESULTS")
    result = runner.invoke(app, ["init", str(root)])
    assert result.exit_code == 0, result.output
    toml = (root / "packet.toml").read_text(encoding="utf-8")
    assert '#   name = "EXAMPLE, ANA"    (in 2 of 3 records)' in toml
    assert "#   date_of_birth = 1961-04-02    (in 2 of 3 records)" in toml
    assert "1961-02-04 if the records write the day first" in toml  # 04/02 reads both ways
    assert 'name = ""' in toml  # proposed as comments, never written in for the caregiver
