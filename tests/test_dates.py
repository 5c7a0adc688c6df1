"""Finding the clinical date among all the dates a record carries."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from packet.dates import DateOrder, Label, classify_label, clinical_date, date_from_name, parse_date

TODAY = date(2026, 11, 21)
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]  # fmt: skip


def written_forms(d: date) -> list[str]:
    mon = MONTHS[d.month - 1]
    return [
        d.isoformat(),
        f"{d.month:02d}/{d.day:02d}/{d.year}",
        f"{d.month}/{d.day}/{d.year % 100:02d}",
        f"{mon} {d.day}, {d.year}",
        f"{mon[:3]} {d.day} {d.year}",
        f"{d.day:02d}-{mon[:3].upper()}-{d.year}",
        f"{d.month:02d}/{d.day:02d}/{d.year} 14:32",
        f"{d.isoformat()}T08:15:00",
    ]


@given(st.dates(min_value=date(2001, 1, 1), max_value=TODAY))
def test_every_written_form_of_a_date_parses_back_to_it(d: date) -> None:
    for text in written_forms(d):
        assert parse_date(text, today=TODAY) == d, text


@given(st.dates(min_value=date(2001, 1, 13), max_value=TODAY))
def test_day_first_reads_the_day_first_and_falls_back_when_impossible(d: date) -> None:
    text = f"{d.day:02d}/{d.month:02d}/{d.year}"
    assert parse_date(text, DateOrder.DAY_FIRST, TODAY) == d
    if d.day > 12:  # month-first cannot read 25/03: it falls back to the only possible reading
        assert parse_date(text, DateOrder.MONTH_FIRST, TODAY) == d


@given(
    birth=st.dates(min_value=date(1930, 1, 1), max_value=date(1999, 12, 31)),
    service=st.dates(min_value=date(2020, 1, 1), max_value=TODAY),
    signed_days=st.integers(min_value=1, max_value=20),
)
def test_the_service_date_wins_over_birth_signed_and_printed(
    birth: date, service: date, signed_days: int
) -> None:
    signed = date.fromordinal(min(service.toordinal() + signed_days, TODAY.toordinal()))
    text = (
        f"Printed {TODAY:%m/%d/%Y}\n"
        f"Patient: Test  DOB: {birth:%m/%d/%Y}\n"
        f"Received: {signed:%m/%d/%Y}   Collected: {service:%m/%d/%Y}\n"
        f"Electronically signed by A. Doctor, MD on {signed:%m/%d/%Y}\n"
    )
    found = clinical_date(text, today=TODAY)
    assert found is not None and found.value == service


@given(st.dates(min_value=date(1930, 1, 1), max_value=TODAY))
def test_a_birth_date_is_never_a_clinical_date(birth: date) -> None:
    for text in (f"DOB: {birth:%m/%d/%Y}", f"{birth:%m/%d/%Y}", f"Date: {birth:%m/%d/%Y}"):
        found = clinical_date(text, birth_date=birth, today=TODAY)
        assert found is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("EXAM DATE: 03/04/2026\nCOMPARISON: CT 01/05/2025", date(2026, 3, 4)),
        ("COMPARISON: CT 01/05/2025\nFINDINGS: stable", None),
        ("Next appointment: 12/01/2026", None),
        ("Signed 02/13/2026", None),
        ("Lakeside Oncology\nMarch 3, 2026\n\nDear Dr. Smith,", date(2026, 3, 3)),
        ("Date of Service\n02/18/2026", date(2026, 2, 18)),
        ("MRN: 00481516 Date of service: 02/18/2026", date(2026, 2, 18)),
        ("History: biopsy on 01/15/2026 showed carcinoma", None),
        ("Collected: 02/30/2026", None),  # impossible in either order
        ("Visit date: 12/25/2030", None),  # the future is not a visit that happened
    ],
)
def test_clinical_date_cases(text: str, expected: date | None) -> None:
    found = clinical_date(text, today=TODAY)
    assert (found.value if found else None) == expected


def test_two_unlabeled_dates_at_the_top_that_disagree_give_no_date() -> None:
    assert clinical_date("Report\n03/03/2026\n04/04/2026", today=TODAY) is None


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("DOB", Label.BIRTH),
        ("Date of birth", Label.BIRTH),
        ("Printed on", Label.PRINTED),
        ("Electronically signed by Paula Pathologist, MD on", Label.SIGNED),
        ("Collected", Label.SERVICE),
        ("Date of procedure", Label.SERVICE),
        ("Comparison", Label.COMPARISON),
        ("Next appointment", Label.FUTURE),
        ("Date", Label.GENERIC),
        ("", Label.NONE),
    ],
)
def test_labels_are_read_as_a_clerk_reads_them(label: str, expected: Label) -> None:
    assert classify_label(label) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("MAMMO DX BILAT 2-3-26.pdf", date(2026, 2, 3)),
        ("2026-03-05 CT chest.pdf", date(2026, 3, 5)),
        ("path_20260210.pdf", date(2026, 2, 10)),
        ("IMG_20260305_101500.jpg", None),  # the camera's clock, not the day of care
        ("scan0001.pdf", None),
        ("Document (3).pdf", None),
        # scanner apps, phones, faxes and downloads name files by their own clock
        ("Scan 2026-03-01.pdf", None),
        ("Scan 2026-03-01 (2).pdf", None),
        ("Scanned_20260301_1012.pdf", None),
        ("PXL_20260310_093000.jpg", None),
        ("WhatsApp Image 2026-03-12 at 10.15.00.jpeg", None),
        ("CamScanner 03-01-2026 10.12.pdf", None),
        ("Adobe Scan Mar 1, 2026.pdf", None),
        ("Fax_20260302.pdf", None),
        ("Document 2026-03-01 (3).pdf", None),
        ("download (1) 2026-03-01.pdf", None),
        # a person who adds what the record is wrote the date too
        ("Scan 2026-03-01 CT chest.pdf", date(2026, 3, 1)),
        ("biopsy 2-10-26.pdf", date(2026, 2, 10)),
        # a name that is only a date was written by a person
        ("2026-02-10.pdf", date(2026, 2, 10)),
        ("Feb 10 2026.pdf", date(2026, 2, 10)),
    ],
)
def test_dates_in_names_written_by_people(name: str, expected: date | None) -> None:
    assert date_from_name(name, today=TODAY) == expected


@given(st.text(max_size=300))
def test_any_text_gives_a_date_or_none_and_never_crashes(text: str) -> None:
    found = clinical_date(text, today=TODAY)
    assert found is None or found.value <= TODAY


@pytest.mark.parametrize(
    "text",
    [
        "HX:\nOn 5/6/97, she awakened with right sided weakness.",
        "HISTORY OF PRESENT ILLNESS: Biopsy on 02/10/2026 showed carcinoma.",
        "OPERATION PERFORMED: On 6/10/2009 total abdominal hysterectomy (TAH).",
        "Correlation is made with a prior examination dated 01/20/09.",
        "DATE OF PREVIOUS ULTRASOUND: 03/05/07.",
        "The patient was admitted to ABCD Hospital on 09/02/2003 with osteomyelitis.",
        "Essentially unchanged from my visit of 04/08/2005.",
        "VITALS: Weight: 124 pounds. Pulse: 72. LMP: 10/18/03.",
        "FOLLOW-UP: Return to clinic on 12/01/2026.",
    ],
)
def test_dates_in_the_story_are_never_taken(text: str) -> None:
    assert clinical_date(text, today=TODAY) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Admission Date: 9/6/25 6:21 PM Discharge Date: 9/10/25 11:13", date(2025, 9, 6)),
        ("Date Obtained: 06/02/2025 Received: Jun 3 2025", date(2025, 6, 2)),
        ("Date of service: Jun 12 2025 Provider: Lakeside Medical Center", date(2025, 6, 12)),
        ("Treatment dates: March 18, 2025 to April 27, 2025", date(2025, 3, 18)),
        ("Blood draw: 01/02/2026    Report date: 01/12/2026", date(2026, 1, 2)),
        (
            "Date of service 09/15/2026 Lumpectomy Billed $18,400.00 Plan paid $14,950.00",
            date(2026, 9, 15),
        ),  # a row of a statement's table
    ],
)
def test_header_fields_give_the_date(text: str, expected: date) -> None:
    found = clinical_date(text, today=TODAY)
    assert found is not None and found.value == expected
