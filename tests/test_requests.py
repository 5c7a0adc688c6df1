"""`packet request`: the letters each institution gets, where they are written, and the tracker
of what was asked (`check` shows when each request is due)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from packet.caregiver import PacketSettings
from packet.cli import app
from packet.requests import tracked_requests

from conftest import fingerprint, make_pdf

runner = CliRunner()

SETTINGS = """[patient]
name = "Test Person"
date_of_birth = 1961-04-02
treating_doctor = "Dr. Rivera, Lakeside Oncology"

[contact]
name = "Luis Person"
relationship = "son"
phone = "555-0100"
email = "luis@example.org"

[second_opinion]
center = "Example Cancer Center"
contact = "Second Opinion Intake"
address = "1 Center Way, Boston, MA 02115"

[institutions."Hilltop Hospital"]
address = "9 Hill Road, Hilltop, VT 05001"
fax = "555-0909"
"""

LAKESIDE_BIOPSY = """Lakeside Medical Center - Department of Pathology
100 Example Avenue, Springfield - Tel 555-0100 - Fax 555-0101
SURGICAL PATHOLOGY REPORT
Patient: Test Person    DOB: 04/02/1961    MRN: 123
Accession: S26-01187
Collected: 02/10/2026 10:42    Received: 02/11/2026
SPECIMEN: Left breast, core needle biopsy
FINAL DIAGNOSIS: Invasive ductal carcinoma, grade 2.
Electronically signed by A. Pathologist, MD on 02/13/2026"""

HILLTOP_SURGERY = """Hilltop Hospital
SURGICAL PATHOLOGY REPORT
Patient: Test Person    DOB: 04/02/1961    MRN: H-555
Case #: HP-26-0042
Date of procedure: 09/15/2026
SPECIMEN: Left breast, lumpectomy
FINAL DIAGNOSIS: Residual invasive ductal carcinoma, 1.1 cm.
Electronically signed by B. Pathologist, MD on 09/18/2026"""

RIVERSIDE_CT = """Riverside Imaging Center
RADIOLOGY REPORT
Patient: Test Person  DOB: 04/02/1961
Exam date: 03/04/2026
EXAM: CT CHEST ABDOMEN PELVIS WITH CONTRAST
FINDINGS: No distant disease.
IMPRESSION: No metastases."""

OTHER_PATIENTS = """Faraway General Hospital
SURGICAL PATHOLOGY REPORT
Patient: Maria Otherperson    DOB: 07/07/1970    MRN: 999
Accession: S26-99999
Collected: 03/01/2026
SPECIMEN: Right lung, wedge resection
FINAL DIAGNOSIS: Adenocarcinoma."""

TIMELINE = """date,type,description
2026-02-10,test,Core needle biopsy of the left breast
2026-09-15,surgery,Lumpectomy of the left breast
"""


def records(tmp_path: Path, extra: str = "") -> Path:
    root = tmp_path / "records"
    root.mkdir()
    (root / "packet.toml").write_text(SETTINGS + extra, encoding="utf-8")
    (root / "timeline.csv").write_text(TIMELINE, encoding="utf-8")
    make_pdf(root / "path" / "biopsy.pdf", LAKESIDE_BIOPSY)
    make_pdf(root / "path" / "lumpectomy.pdf", HILLTOP_SURGERY)
    make_pdf(root / "scans" / "ct report.pdf", RIVERSIDE_CT)
    make_pdf(root / "misfiled" / "pathology.pdf", OTHER_PATIENTS)
    return root


def letters_of(pdf: Path) -> list[str]:
    """The text of each letter, its pages joined (the footer says which letter a page is)."""
    letters: dict[str, str] = {}
    for page in PdfReader(pdf).pages:
        text = page.extract_text()
        number = text.split("Letter ", 1)[1].split(" of ", 1)[0]
        letters[number] = letters.get(number, "") + text
    return list(letters.values())


def request(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["request", *args])
    return result.exit_code, result.output


def test_writes_one_letter_per_institution_and_kind_and_leaves_the_folder_alone(
    tmp_path: Path,
) -> None:
    root = records(tmp_path)
    before = fingerprint(root)
    out = tmp_path / "letters.pdf"
    code, output = request(str(root), "-o", str(out), "--no-ocr")
    assert code == 0, output
    assert fingerprint(root) == before
    letters = letters_of(out)
    footers = [t.split("Letter ", 1)[1].split("\n")[0] for t in letters]
    assert footers == [
        "1 of 6: Slides and blocks — Hilltop Hospital",
        "2 of 6: Slides and blocks — Lakeside Medical Center",
        "3 of 6: Images on disc — Riverside Imaging Center",
        "4 of 6: Records — Hilltop Hospital",
        "5 of 6: Records — Lakeside Medical Center",
        "6 of 6: Records — Lakeside Oncology",
    ]
    slides = [t for t in letters if "send pathology slides" in t]
    assert len(slides) == 2  # one per pathology department
    lakeside = next(t for t in slides if "Lakeside Medical Center" in t)
    assert "S26-01187" in lakeside and "Left breast, core needle biopsy" in lakeside
    assert "February 10, 2026" in lakeside
    assert "100 Example Avenue, Springfield" in lakeside  # the letterhead's address
    assert "Example Cancer Center" in lakeside and "1 Center Way, Boston" in lakeside
    hilltop = next(t for t in slides if "Hilltop Hospital" in t)
    assert "HP-26-0042" in hilltop and "9 Hill Road, Hilltop" in hilltop  # packet.toml's address
    assert "555-0909" in hilltop

    [imaging] = [t for t in letters if "imaging studies on disc" in t]
    assert "Riverside Imaging Center" in imaging and "DICOM" in imaging
    assert "CT chest/abdomen/pelvis with contrast" in imaging
    assert "March 4, 2026" in imaging
    assert "Address: ____" in imaging  # neither the records nor packet.toml give it

    records_letters = [
        t for t in letters if "HIPAA right of access" in t and "Re: Request for a copy" in t
    ]
    assert len(records_letters) == 3
    operative = next(t for t in records_letters if "Operative report" in t)
    assert "HP-26-0042" in operative  # its biomarkers, asked of the lab that holds the tissue
    # the surgery on the timeline happened where that day's pathology report was made
    assert "Hilltop Hospital" in operative and "September 15, 2026" in operative
    assert "45 CFR 164.524" in operative and "30 days" in operative
    notes = next(t for t in records_letters if "Lakeside Oncology" in t)
    assert "oncology visits" in notes  # clinic notes, from the treating doctor's practice

    for text in letters:
        assert "Test Person" in text and "April 2, 1961" in text
        assert "Luis Person" in text and "555-0100" in text and "luis@example.org" in text
        assert "Signature:" in text and "Date:" in text
        assert "HIPAA authorization" in text  # the son writes, not the patient
        # another patient's record is never named, nor its case, nor its hospital
        assert "Otherperson" not in text and "S26-99999" not in text and "Faraway" not in text


def test_the_default_output_is_beside_never_inside_and_never_replaced_without_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = records(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, output = request(str(root), "--no-ocr")
    assert code == 0, output
    written = tmp_path / "records-requests.pdf"
    assert written.is_file()
    first = written.read_bytes()
    code, output = request(str(root), "--no-ocr")
    assert code == 2 and "already exists" in output and "--force" in output
    assert written.read_bytes() == first
    code, output = request(str(root), "--no-ocr", "--force")
    assert code == 0, output
    code, output = request(str(root), "--no-ocr", "-o", str(root / "letters.pdf"))
    assert code == 2 and "inside the records folder" in output
    assert not (root / "letters.pdf").exists()
    monkeypatch.chdir(root)  # run from inside the folder: written beside it
    (tmp_path / "records-requests.pdf").unlink()
    code, output = request(".", "--no-ocr")
    assert code == 0, output
    assert (tmp_path / "records-requests.pdf").is_file()
    assert not list(root.glob("*requests*"))


def test_what_was_received_is_no_longer_asked_for(tmp_path: Path) -> None:
    root = records(
        tmp_path,
        "\n[checklist.clinic_notes]\nreceived = 2026-11-20\n"
        '\n[institutions."Lakeside Medical Center".slides]\n'
        "requested = 2026-11-01\nreceived = 2026-11-25\n"
        "\n[checklist.imaging_files]\nrequested = 2026-11-01\nreceived = 2026-11-22\n",
    )
    out = tmp_path / "letters.pdf"
    code, output = request(str(root), "-o", str(out), "--no-ocr")
    assert code == 0, output
    letters = letters_of(out)
    assert not [t for t in letters if "imaging studies on disc" in t]
    slides = [t for t in letters if "send pathology slides" in t]
    assert len(slides) == 1 and "Hilltop Hospital" in slides[0]
    assert not [t for t in letters if "oncology visits" in t]
    assert [t for t in letters if "Operative report" in t]  # still missing, still asked


def test_nothing_to_ask_writes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "records"
    root.mkdir()
    (root / "packet.toml").write_text(
        SETTINGS + '\n[checklist.slides]\nstatus = "sent_separately"\n', encoding="utf-8"
    )
    out = tmp_path / "letters.pdf"
    # with no records at all, the records letters still ask the practice for each missing item
    code, output = request(str(root), "-o", str(out), "--no-ocr")
    assert code == 0, output
    letters = letters_of(out)
    assert len(letters) == 1 and "Lakeside Oncology" in letters[0]
    assert "Every pathology report" in letters[0].replace("\n", " ")
    (root / "packet.toml").write_text(
        SETTINGS
        + '\n[checklist.slides]\nstatus = "sent_separately"\n'
        + "".join(
            f'\n[checklist.{item}]\nstatus = "pending"\n'
            for item in ("pathology", "imaging", "clinic_notes", "biomarkers")
        ),
        encoding="utf-8",
    )
    out.unlink()
    code, output = request(str(root), "-o", str(out), "--no-ocr")
    assert code == 0, output
    assert "Nothing to ask for" in output and not out.exists()


def test_a_patient_writing_for_herself_needs_no_authorization_note(tmp_path: Path) -> None:
    root = records(tmp_path)
    toml = (root / "packet.toml").read_text(encoding="utf-8")
    (root / "packet.toml").write_text(
        toml.replace(
            'name = "Luis Person"\nrelationship = "son"',
            'name = "Test Person"\nrelationship = "self"',
        ),
        encoding="utf-8",
    )
    out = tmp_path / "letters.pdf"
    code, output = request(str(root), "-o", str(out), "--no-ocr")
    assert code == 0, output
    for text in letters_of(out):
        assert "HIPAA authorization" not in text and "Patient's signature" not in text


def test_without_the_patients_name_no_letter_is_written(tmp_path: Path) -> None:
    root = records(tmp_path)
    (root / "packet.toml").write_text(SETTINGS.replace('name = "Test Person"\n', ""), "utf-8")
    out = tmp_path / "letters.pdf"
    code, output = request(str(root), "-o", str(out), "--no-ocr")
    assert code == 3 and "name" in output and not out.exists()


# The tracker --------------------------------------------------------------------------------


def test_a_request_is_due_thirty_days_after_it_was_sent_and_overdue_the_day_after() -> None:
    settings = PacketSettings.model_validate(
        {
            "checklist": {"slides": {"requested": dt.date(2026, 12, 1)}},
            "institutions": {
                "Lakeside Medical Center": {
                    "records": {"requested": dt.date(2026, 10, 1)},
                    "imaging": {
                        "requested": dt.date(2026, 10, 1),
                        "received": dt.date(2026, 10, 20),
                    },
                }
            },
        }
    )
    on_due = {r.about: r for r in tracked_requests(settings, dt.date(2026, 12, 31))}
    slides = on_due["checklist.slides"]
    assert slides.due == dt.date(2026, 12, 31) and not slides.overdue
    assert on_due['institutions."Lakeside Medical Center".records'].overdue
    received = on_due['institutions."Lakeside Medical Center".imaging']
    assert received.received == dt.date(2026, 10, 20) and not received.overdue
    assert received.item == "imaging_files"
    after = {r.about: r for r in tracked_requests(settings, dt.date(2027, 1, 1))}
    assert after["checklist.slides"].overdue


def test_check_shows_when_each_request_is_due_and_flags_the_overdue(tmp_path: Path) -> None:
    today = dt.date.today()
    sent, late = today - dt.timedelta(days=5), today - dt.timedelta(days=45)
    root = records(
        tmp_path,
        f'\n[checklist.slides]\nstatus = "pending"\nrequested = {sent.isoformat()}\n'
        f'\n[institutions."Hilltop Hospital".records]\nrequested = {late.isoformat()}\n'
        f"\n[checklist.imaging_files]\nrequested = {late.isoformat()}\n"
        f"received = {sent.isoformat()}\n",
    )
    before = fingerprint(root)
    result = runner.invoke(app, ["check", str(root), "--no-ocr"])
    due = (sent + dt.timedelta(days=30)).isoformat()
    assert f"requested on {sent.isoformat()} — due by {due}" in result.output
    closing = result.output[result.output.index("Overdue:") :]
    assert "records from Hilltop Hospital" in closing
    assert f"due by {(late + dt.timedelta(days=30)).isoformat()}" in closing
    assert "Awaited: Slides / tissue blocks" in result.output
    # what came is said once, under its item, and neither awaited nor overdue
    assert f"requested on {late.isoformat()} — received on {sent.isoformat()}" in result.output
    assert "Scan files (DICOM)" not in closing

    as_json = runner.invoke(app, ["check", str(root), "--json", "--no-ocr"])
    requests = {r["about"]: r for r in json.loads(as_json.stdout)["requests"]}
    assert requests["checklist.slides"] == {
        "about": "checklist.slides",
        "label": "Slides / tissue blocks",
        "item": "slides",
        "institution": "",
        "kind": None,
        "requested": sent.isoformat(),
        "received": None,
        "due": due,
        "overdue": False,
    }
    hilltop = requests['institutions."Hilltop Hospital".records']
    assert hilltop["overdue"] is True and hilltop["kind"] == "records"
    assert fingerprint(root) == before


def test_a_mistyped_institution_key_loses_only_itself(tmp_path: Path) -> None:
    root = tmp_path / "records"
    root.mkdir()
    (root / "packet.toml").write_text(
        SETTINGS.replace('fax = "555-0909"', 'fax = "555-0909"\nadress = "typo"')
        + '\n[institutions."St. Mary\'s Hospital".slides]\nrequested = "2026-11-02"\n',
        encoding="utf-8",
    )
    from packet.caregiver import load_caregiver_files

    data = load_caregiver_files(root)
    places = data.settings.institutions
    assert places["Hilltop Hospital"].fax == "555-0909"  # the rest of the table is kept
    assert places["St. Mary's Hospital"].slides is not None  # a name with a dot is one name
    assert places["St. Mary's Hospital"].slides.requested == dt.date(2026, 11, 2)
    [problem] = data.problems
    assert "adress" in problem.message and "Did you mean `address`?" in problem.message


def test_every_example_in_inits_packet_toml_reads_without_a_problem(tmp_path: Path) -> None:
    """A family that uncomments the template's examples (request dates, institutions, where the
    center is) gets a packet.toml packet reads in full."""
    import re
    from importlib.resources import files

    from packet.caregiver import load_caregiver_files

    template = files("packet.templates").joinpath("packet.toml").read_text(encoding="utf-8")
    example = re.compile(r"^# (\[.*\]|[a-z_]+ = .*|\"[^\"]+\" = .*)$")
    lines = [(m.group(1) if (m := example.match(line)) else line) for line in template.splitlines()]
    (tmp_path / "packet.toml").write_text("\n".join(lines), encoding="utf-8")
    data = load_caregiver_files(tmp_path)
    assert data.problems == []
    place = data.settings.institutions["Lakeside Medical Center"]
    assert place.fax == "555-0101" and place.records is not None
    assert data.settings.second_opinion.address and data.settings.contact.address


def test_no_letter_carries_a_birth_date_the_records_contradict_unless_forced(
    tmp_path: Path,
) -> None:
    root = records(tmp_path)
    toml = (root / "packet.toml").read_text(encoding="utf-8")
    (root / "packet.toml").write_text(toml.replace("1961-04-02", "1961-02-04"), encoding="utf-8")
    out = tmp_path / "letters.pdf"
    code, output = request(str(root), "-o", str(out), "--no-ocr")
    assert code == 4, output
    assert "1961-04-02" in output and not out.exists()
    code, output = request(str(root), "-o", str(out), "--no-ocr", "--force-identity")
    assert code == 0, output
    assert "February 4, 1961" in letters_of(out)[0]


def test_a_long_letter_runs_onto_numbered_pages_with_its_signature_whole(tmp_path: Path) -> None:
    root = records(tmp_path)
    for number in range(1, 19):
        make_pdf(
            root / "more" / f"case {number}.pdf",
            LAKESIDE_BIOPSY.replace("S26-01187", f"S26-{number:05d}").replace(
                "02/10/2026", f"03/{number:02d}/2026"
            ),
        )
    out = tmp_path / "letters.pdf"
    code, output = request(str(root), "-o", str(out), "--no-ocr")
    assert code == 0, output
    pages = [p.extract_text() for p in PdfReader(out).pages]
    lakeside = [t for t in pages if "Slides and blocks — Lakeside Medical Center" in t]
    assert len(lakeside) >= 2
    assert f"Page 1 of {len(lakeside)}" in lakeside[0]
    assert f"Page {len(lakeside)} of {len(lakeside)}" in lakeside[-1]
    text = "".join(lakeside)
    assert all(f"S26-{n:05d}" in text for n in range(1, 19))
    assert "Signature:" in lakeside[-1] and "Patient's signature" in lakeside[-1]
    assert "Signature:" not in "".join(lakeside[:-1])
