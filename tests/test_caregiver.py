"""The caregiver's files: read what is right, and say exactly where and how the rest is wrong."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from packet.caregiver import load_caregiver_files, parse_partial_date
from packet.models import ItemStatus, PartialDate, TimelineType


def write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_a_bad_timeline_line_names_the_line_and_column_and_keeps_the_rest(tmp_path: Path) -> None:
    write(
        tmp_path,
        "timeline.csv",
        "date,type,description\n2026-01,symptom,Lump\n13/45/2026,test,Biopsy\n2026,operation,Lumpectomy\n",
    )
    data = load_caregiver_files(tmp_path)
    assert [str(e.date) for e in data.timeline] == ["2026-01", "2026"]
    assert data.timeline[1].type is TimelineType.SURGERY  # "operation" is a surgery
    [problem] = data.problems
    assert "line 3" in problem.message and "column date" in problem.message
    assert "2026-02-10" in problem.fix


def test_an_unknown_timeline_type_is_kept_as_other_with_a_problem(tmp_path: Path) -> None:
    write(tmp_path, "timeline.csv", "date,type,description\n2026-02-01,holiday,Trip\n")
    data = load_caregiver_files(tmp_path)
    assert data.timeline[0].type is TimelineType.OTHER
    assert "column type" in data.problems[0].message


def test_a_broken_packet_toml_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    write(tmp_path, "packet.toml", '[patient]\nname = "Ana\n')
    data = load_caregiver_files(tmp_path)
    assert data.problems and "packet.toml" in data.problems[0].message


def test_a_bad_value_in_packet_toml_keeps_the_valid_parts(tmp_path: Path) -> None:
    write(
        tmp_path,
        "packet.toml",
        '[patient]\nname = "Ana Example"\n[checklist.slides]\nstatus = "lost"\n',
    )
    data = load_caregiver_files(tmp_path)
    assert data.settings.patient.name == "Ana Example"
    assert "lost" in data.problems[0].message


def test_statuses_accept_the_words_caregivers_write(tmp_path: Path) -> None:
    write(
        tmp_path,
        "packet.toml",
        '[checklist.slides]\nstatus = "Requested"\nnote = "asked 11/3"\n'
        '[checklist.imaging_files]\nstatus = "sent separately"\n',
    )
    data = load_caregiver_files(tmp_path)
    assert data.settings.checklist["slides"].status is ItemStatus.PENDING
    assert data.settings.checklist["imaging_files"].status is ItemStatus.SENT_SEPARATELY


def test_questions_are_lines_and_bullets_without_headings_or_comments(tmp_path: Path) -> None:
    write(
        tmp_path,
        "questions.md",
        "# Questions\n<!-- a note\n- not this -->\n- First?\n2. Second?\nThird?\n\n",
    )
    assert load_caregiver_files(tmp_path).questions == ["First?", "Second?", "Third?"]


def test_medications_keep_supplements_and_report_a_nameless_row(tmp_path: Path) -> None:
    write(
        tmp_path,
        "medications.csv",
        "name,dose,how_often,reason,started,notes\nvitamin D3,2000 IU,daily,,,\n,5 mg,,,,\n",
    )
    data = load_caregiver_files(tmp_path)
    assert [m.name for m in data.medications] == ["vitamin D3"]
    assert "line 3" in data.problems[0].message


def test_a_spreadsheet_saved_in_windows_encoding_is_read(tmp_path: Path) -> None:
    (tmp_path / "medications.csv").write_bytes("name,dose\ncaf\xe9 extract,1\n".encode("cp1252"))
    assert load_caregiver_files(tmp_path).medications[0].name == "café extract"


@given(st.integers(1900, 2099), st.one_of(st.none(), st.integers(1, 12)))
def test_partial_dates_round_trip(year: int, month: int | None) -> None:
    text = f"{year}" if month is None else f"{year}-{month:02d}"
    assert parse_partial_date(text) == PartialDate(year=year, month=month)


@given(st.text(max_size=40))
def test_any_timeline_date_text_parses_or_is_refused_without_crashing(text: str) -> None:
    result = parse_partial_date(text)
    assert result is None or 1900 <= result.year <= 2099


def test_an_ambiguous_date_of_birth_is_refused_asking_for_year_month_day(tmp_path: Path) -> None:
    write(
        tmp_path, "packet.toml", '[patient]\nname = "Ana Example"\ndate_of_birth = "02/04/1961"\n'
    )
    data = load_caregiver_files(tmp_path)
    assert data.settings.patient.date_of_birth is None
    assert any("1961-04-02" in p.message for p in data.problems)


def test_an_unambiguous_date_of_birth_in_another_form_is_accepted(tmp_path: Path) -> None:
    write(
        tmp_path, "packet.toml", '[patient]\nname = "Ana Example"\ndate_of_birth = "04/22/1961"\n'
    )
    data = load_caregiver_files(tmp_path)
    assert str(data.settings.patient.date_of_birth) == "1961-04-22"


def test_misspelled_keys_and_sections_are_named_with_a_suggestion(tmp_path: Path) -> None:
    write(
        tmp_path,
        "packet.toml",
        '[patient]\nname = "Ana Example"\ndate_of_brith = 1961-04-02\n'
        '[second-opinion]\ncenter = "Mayo"\n',
    )
    data = load_caregiver_files(tmp_path)
    messages = [(p.message, p.fix) for p in data.problems]
    assert any("line 3" in m and "`date_of_birth`" in f for m, f in messages), messages
    assert any("line 4" in m and "`second_opinion`" in f for m, f in messages), messages


def test_a_semicolon_or_tab_timeline_with_a_bom_is_read(tmp_path: Path) -> None:
    for sep in (";", "\t"):
        text = f"\ufeffdate{sep}type{sep}description\n2026-01-12{sep}surgery{sep}Lumpectomy, left\n"
        (tmp_path / "timeline.csv").write_text(text, encoding="utf-8")
        data = load_caregiver_files(tmp_path)
        assert not data.problems, data.problems
        [event] = data.timeline
        assert event.type is TimelineType.SURGERY and event.description == "Lumpectomy, left"


def test_an_unambiguous_day_first_row_settles_the_order_of_the_whole_timeline(
    tmp_path: Path,
) -> None:
    rows = "date,type,description\n12/01/2026,symptom,Lump\n15/09/2026,surgery,Lumpectomy\n"
    write(tmp_path, "timeline.csv", rows)
    data = load_caregiver_files(tmp_path)
    assert [str(e.date) for e in data.timeline] == ["2026-01-12", "2026-09-15"]


def test_a_timeline_mixing_date_orders_names_the_rows(tmp_path: Path) -> None:
    rows = "date,type,description\n15/09/2026,surgery,A\n09/30/2026,visit,B\n"
    write(tmp_path, "timeline.csv", rows)
    data = load_caregiver_files(tmp_path)
    assert any("mixes" in p.message and "line 2" in p.message for p in data.problems)


def test_a_timeline_date_far_in_the_future_is_a_warning(tmp_path: Path) -> None:
    import datetime as dt

    later = dt.date.today() + dt.timedelta(days=60)
    (tmp_path / "timeline.csv").write_text(
        f"date,type,description\n2026-01-12,symptom,Lump\n{later.isoformat()},surgery,Lumpectomy\n",
        encoding="utf-8",
    )
    data = load_caregiver_files(tmp_path)
    future = [p for p in data.problems if "in the future" in p.message]
    assert len(future) == 1 and "line 3" in future[0].message
    assert future[0].severity == "warning" and len(data.timeline) == 2


def test_a_toml_syntax_error_keeps_the_sections_before_it_and_stops_build(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from packet.check import check_folder
    from packet.cli import app

    (tmp_path / "packet.toml").write_text(
        '[patient]\nname = "Ana Example"\ndate_of_birth = 1961-04-02\n\n'
        '[checklist.slides]\nstatus = "pending"\n\n'
        '[second_opinion]\ncenter = "X"\nappointment = April 2 2026\n',  # unquoted: an error
        encoding="utf-8",
    )
    data = load_caregiver_files(tmp_path)
    assert data.settings.patient.name == "Ana Example"
    assert data.settings.checklist["slides"].status == "pending"
    broken = [p for p in data.problems if p.kind == "settings_unreadable"]
    assert len(broken) == 1 and "line 10" in broken[0].message
    report, _ = check_folder(tmp_path)
    assert report.build_refusal_code == 3 and "cannot be read" in report.build_refusal
    result = CliRunner().invoke(app, ["build", str(tmp_path), "-o", str(tmp_path.parent / "p.pdf")])
    assert result.exit_code == 3, result.output


def test_a_value_of_the_wrong_type_is_named_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "packet.toml").write_text(
        '[patient]\nname = "Ana Example"\ndate_of_birth = 1961-04-02\nsurgery = "maybe"\n',
        encoding="utf-8",
    )
    data = load_caregiver_files(tmp_path)
    problem = next(p for p in data.problems if "cannot use" in p.message)
    assert "line 4" in problem.message and "surgery" in problem.message
    assert data.settings.patient.name == "Ana Example"  # the rest of [patient] is kept


def test_contact_referring_allergies_and_appointment_are_read_as_written(tmp_path: Path) -> None:
    (tmp_path / "packet.toml").write_text(
        "[patient]\nname = 'Ana Example'\nallergies = ['Penicillin (rash)', 'latex']\n"
        "[contact]\nname = 'Luis Example'\nrelationship = 'son'\nphone = 5550100\n"
        "[referring]\ndoctor = 'Dr. Rivera'\nfax = '555-0143'\n"
        "[second_opinion]\nappointment = 2026-12-01\n",
        encoding="utf-8",
    )
    data = load_caregiver_files(tmp_path)
    assert not data.problems, data.problems
    settings = data.settings
    assert settings.patient.allergies == "Penicillin (rash); latex"
    assert settings.contact.phone == "5550100"  # a number written without quotes still counts
    assert settings.contact.relationship == "son"
    assert settings.referring.fax == "555-0143"
    assert str(settings.second_opinion.appointment) == "2026-12-01"


def test_init_explains_the_keys_the_cover_shows(tmp_path: Path) -> None:
    from packet.init import init_folder

    init_folder(tmp_path)
    text = (tmp_path / "packet.toml").read_text(encoding="utf-8")
    for key in ("allergies", "[contact]", "relationship", "[referring]", "fax", "appointment"):
        assert key in text, key
    assert not load_caregiver_files(tmp_path).problems


def test_a_cell_of_a_hundred_thousand_characters_is_cut_with_a_problem(tmp_path: Path) -> None:
    from packet.check import check_folder

    from conftest import PATHOLOGY_TEXT, make_pdf, records_folder

    root = records_folder(tmp_path)
    make_pdf(root / "a.pdf", PATHOLOGY_TEXT)
    (root / "documents.csv").write_text(
        "path,category,date,title,include\na.pdf,,," + "x" * 100_000 + ",yes\n"
    )
    report, _ = check_folder(root)
    [doc] = report.documents
    assert len(doc.title) <= 1000
    [cut] = [p for p in report.problems if p.path == "documents.csv"]
    assert "line 2, column title: 100,000 characters" in cut.message


TOML = '[patient]\nname = "Ana Example"\ndate_of_birth = 1961-04-02\n'


def test_caregiver_files_saved_as_utf16_or_utf32_are_read(tmp_path: Path) -> None:
    # "Unicode" in Notepad and Excel is UTF-16; it was "Invalid statement line 1 col 1".
    for encoding in ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"):
        folder = tmp_path / encoding
        folder.mkdir()
        (folder / "packet.toml").write_bytes(TOML.encode(encoding))
        (folder / "medications.csv").write_bytes("name,dose\nTamoxifen,20 mg\n".encode(encoding))
        (folder / "questions.md").write_bytes("- Is surgery first?\n".encode(encoding))
        data = load_caregiver_files(folder)
        assert not data.problems, (encoding, data.problems)
        assert data.settings.patient.name == "Ana Example", encoding
        assert [m.name for m in data.medications] == ["Tamoxifen"], encoding
        assert data.questions == ["Is surgery first?"], encoding


def test_a_deeply_nested_packet_toml_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    write(tmp_path, "packet.toml", TOML + "x = " + "[" * 20000 + "]" * 20000 + "\n")
    data = load_caregiver_files(tmp_path)
    assert any("too deeply" in p.message for p in data.problems)


def test_a_name_of_blank_spaces_is_no_name(tmp_path: Path) -> None:
    write(tmp_path, "packet.toml", '[patient]\nname = "  \\t "\ndate_of_birth = 1961-04-02\n')
    assert load_caregiver_files(tmp_path).settings.patient.name == ""
    write(tmp_path, "packet.toml", '[patient]\nname = " Ana \\n Example "\n')
    assert load_caregiver_files(tmp_path).settings.patient.name == "Ana Example"
