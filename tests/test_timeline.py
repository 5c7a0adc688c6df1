"""The merged timeline and the consistency checks made of it."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from packet.caregiver import Opinion
from packet.check import check_folder
from packet.cli import app
from packet.models import ProblemKind
from packet.opinions import compare

from conftest import CONSULT_TEXT, CT_TEXT, PATHOLOGY_TEXT, make_pdf

runner = CliRunner()


def folder_with(tmp_path: Path, timeline: str, **pdfs: str) -> Path:
    root = tmp_path / "r"
    root.mkdir(exist_ok=True)
    (root / "timeline.csv").write_text("date,type,description\n" + timeline)
    for name, text in pdfs.items():
        make_pdf(root / f"{name}.pdf", text)
    return root


def test_a_caregiver_event_and_the_record_of_that_day_are_one_event(tmp_path: Path) -> None:
    root = folder_with(
        tmp_path, "2026-02-10,test,Core needle biopsy\n2026-01,symptom,Lump\n", path=PATHOLOGY_TEXT
    )
    report, _ = check_folder(root)
    biopsy = [e for e in report.timeline if str(e.date) == "2026-02-10"]
    assert len(biopsy) == 1
    assert biopsy[0].description == "Core needle biopsy" and biopsy[0].documents == ["path.pdf"]
    assert [str(e.date) for e in report.timeline] == ["2026-01", "2026-02-10"]


def test_records_of_other_days_are_events_of_their_own_in_date_order(tmp_path: Path) -> None:
    root = folder_with(
        tmp_path, "2026-03-01,visit,Saw the surgeon\n", consult=CONSULT_TEXT, ct=CT_TEXT
    )
    report, _ = check_folder(root)
    assert [(str(e.date), e.type.value) for e in report.timeline] == [
        ("2026-02-18", "visit"),
        ("2026-03-01", "visit"),
        ("2026-03-04", "test"),
    ]


def test_a_surgery_without_an_operative_note_is_flagged(tmp_path: Path) -> None:
    root = folder_with(tmp_path, "2026-09-15,surgery,Lumpectomy\n")
    report, _ = check_folder(root)
    [problem] = [p for p in report.problems if p.kind is ProblemKind.CONSISTENCY]
    assert "surgery on 2026-09-15" in problem.message and "operative report" in problem.fix


def test_a_biopsy_without_pathology_and_a_scan_without_report_are_flagged(tmp_path: Path) -> None:
    root = folder_with(
        tmp_path, "2026-02-10,test,Core needle biopsy\n2026-03-05,test,PET/CT scan\n"
    )
    messages = [
        p.message for p in check_folder(root)[0].problems if p.kind is ProblemKind.CONSISTENCY
    ]
    assert any("biopsy on 2026-02-10" in m for m in messages)
    assert any("scan on 2026-03-05" in m for m in messages)


def test_treatment_started_without_treatment_records_is_flagged_unless_marked(
    tmp_path: Path,
) -> None:
    root = folder_with(tmp_path, "2026-04-02,treatment,Started chemotherapy\n")
    assert any("treatment started" in p.message for p in check_folder(root)[0].problems)
    (root / "packet.toml").write_text('[checklist.treatment]\nstatus = "pending"\n')
    assert not any("treatment started" in p.message for p in check_folder(root)[0].problems)


def test_records_near_the_date_satisfy_the_checks(tmp_path: Path) -> None:
    root = folder_with(
        tmp_path,
        "2026-02-09,test,Biopsy\n2026-03-04,test,CT scan\n",
        path=PATHOLOGY_TEXT,
        ct=CT_TEXT,
    )
    assert not [p for p in check_folder(root)[0].problems if p.kind is ProblemKind.CONSISTENCY]


def test_opinions_that_differ_are_marked_and_blanks_are_kept_blank() -> None:
    rows = {
        r.field: r
        for r in compare(
            [Opinion(doctor="A", goal="Cure", risks="x"), Opinion(doctor="B", goal="cure.")]
        )
    }
    assert not rows["goal"].differ  # the same words, written differently
    assert rows["risks"].differ and rows["risks"].values == ["x", ""]
    assert "date" not in rows


def test_timeline_and_compare_commands(tmp_path: Path) -> None:
    root = folder_with(tmp_path, "2026-02-10,test,Core needle biopsy\n", path=PATHOLOGY_TEXT)
    (root / "packet.toml").write_text(
        '[[opinion]]\ndoctor = "Dr. A"\ngoal = "Cure"\n[[opinion]]\ndoctor = "Dr. B"\ngoal = "Control"\n'
    )
    result = runner.invoke(app, ["timeline", "--json", str(root)])
    assert result.exit_code == 0, result.output
    events = json.loads(result.stdout)
    assert events[0]["documents"] == ["path.pdf"]
    assert events[0]["date"] == "2026-02-10"
    shown = runner.invoke(app, ["compare", str(root)])
    assert (
        shown.exit_code == 0 and "Dr. A" in shown.output and "≠ Goal of treatment" in shown.output
    )
    assert "not stated — ask" in shown.output
