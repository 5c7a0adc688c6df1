"""Where records come from: the letterhead's institution and the MRN, never the narrative's."""

from __future__ import annotations

from datetime import date

import pytest

from packet.provenance import care_so_far, institution_of, mrn_of


@pytest.mark.parametrize(
    ("text", "institution", "mrn"),
    [
        ("Lakeside Medical Center — Department of Pathology\n100 Example Avenue · Tel 555-0100\n"
         "SURGICAL PATHOLOGY REPORT\nPatient: Ana Example   DOB: 04/02/1961\nMRN: 00481516",
         "Lakeside Medical Center", "00481516"),
        ("ST. MARY'S HOSPITAL\nRADIOLOGY REPORT\nName: EXAMPLE, ANA  MR#: A-2231987",
         "St. Mary's Hospital", "A-2231987"),
        ("Organization: Riverside Cancer Institute\nProgress note\nMedical Record Number: 7781234",
         "Riverside Cancer Institute", "7781234"),
        ("PROGRESS NOTE\nThe patient was seen at Mercy Hospital in 2019.\nShe is doing well.",
         "", ""),
        ("OPERATIVE REPORT\nPREOPERATIVE DIAGNOSIS: Left breast cancer.", "", ""),
    ],
)  # fmt: skip
def test_the_institution_and_mrn_come_from_the_letterhead(
    text: str, institution: str, mrn: str
) -> None:
    assert institution_of(text) == institution
    assert mrn_of(text) == mrn


def test_care_so_far_gathers_each_place_with_its_numbers_and_dates() -> None:
    places = [
        ("Lakeside Medical Center", "00481516", date(2026, 2, 10)),
        ("LAKESIDE MEDICAL CENTER", "00481516", date(2026, 9, 15)),
        ("Springfield Breast Imaging", "SB-77", date(2026, 1, 28)),
        ("", "123", date(2026, 3, 1)),  # no institution: not guessed
    ]
    care = care_so_far(places)
    assert [c.name for c in care] == ["Springfield Breast Imaging", "Lakeside Medical Center"]
    lakeside = care[1]
    assert lakeside.mrns == ["00481516"] and lakeside.records == 2
    assert (lakeside.first, lakeside.last) == (date(2026, 2, 10), date(2026, 9, 15))


def test_an_email_signature_is_not_a_letterhead() -> None:
    text = "Email — Results\nFrom: Lakeside <a@b.example>\nDate: 2026-10-21\nLakeside Oncology front desk"
    assert institution_of(text) == ""
