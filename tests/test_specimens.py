"""Accession numbers, specimens and letterhead addresses: what the request letters ask by."""

from __future__ import annotations

import pytest

from packet.provenance import institution_of, letterhead_of
from packet.specimens import accessions_of, specimen_of

REPORT = """Lakeside Medical Center — Department of Pathology
100 Example Avenue, Springfield · Tel 555-0100 · Fax 555-0101
SURGICAL PATHOLOGY REPORT
Patient: Ana Example DOB: 04/02/1961
MRN: 00481516 Accession: S26-01187
Collected: 02/10/2026 10:42 Received: 02/11/2026
SPECIMEN:
Left breast, 2 o'clock, ultrasound-guided core needle biopsy
FINAL DIAGNOSIS:
Invasive ductal carcinoma. Compared with outside case S25-100 (Accession S25-100)."""


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        (REPORT, ["S26-01187"]),
        ("Accession #: S26-1234", ["S26-1234"]),
        ("Case: SP-26-001", ["SP-26-001"]),
        ("Surgical Pathology Number: 26-SP-00012", ["26-SP-00012"]),
        ("Accession Number:\nS26-777", ["S26-777"]),
        ("MRN: 00481516\nHospital No: 1234", []),  # the patient's numbers, not the case's
        ("Specimen: 123 cores", []),  # a count, not a number label
    ],
)
def test_reads_accession_numbers_only_from_their_labels(text: str, numbers: list[str]) -> None:
    assert accessions_of(text) == numbers


def test_an_accession_in_the_narrative_far_below_is_not_the_reports() -> None:
    text = REPORT.replace("Accession: S26-01187", "") + "\n" * 40 + "Accession: S25-999"
    assert accessions_of(text) == []


@pytest.mark.parametrize(
    ("text", "specimen"),
    [
        (REPORT, "Left breast, 2 o'clock, ultrasound-guided core needle biopsy"),
        ("Specimen(s): A. Left breast, lumpectomy", "A. Left breast, lumpectomy"),
        ("SPECIMEN:\nFINAL DIAGNOSIS:\nCarcinoma.", ""),  # the next section is not the specimen
        ("FINAL DIAGNOSIS: carcinoma", ""),
    ],
)
def test_reads_the_specimen_line_or_the_line_under_its_label(text: str, specimen: str) -> None:
    assert specimen_of(text) == specimen


def test_a_letterhead_gives_its_address_phone_and_fax() -> None:
    found = letterhead_of(REPORT, institution_of(REPORT))
    assert (found.address, found.phone, found.fax) == (
        "100 Example Avenue, Springfield",
        "555-0100",
        "555-0101",
    )


def test_the_patients_own_address_is_never_taken_for_the_institutions() -> None:
    text = "SPRINGFIELD CLINIC\nPatient: Ana Example\n12 Elm Street, Springfield\nFax 555-0199"
    found = letterhead_of(text, institution_of(text))
    assert found.address == "" and found.fax == ""


def test_no_institution_no_letterhead() -> None:
    assert letterhead_of("Patient: Ana\n12 Elm Street", "").address == ""


def test_an_address_with_its_fax_on_the_same_line_is_still_the_address() -> None:
    text = (
        "Saint-Éloi University Hospital\n100 Rue Example Ave, Springfield, IL 62704 Fax: 555-0199\n"
        "SURGICAL PATHOLOGY REPORT\n"
    )
    head = letterhead_of(text, "Saint-Éloi University Hospital")
    assert (head.address, head.fax) == ("100 Rue Example Ave, Springfield, IL 62704", "555-0199")
