"""Category and title: from the document's own headings first, then its folder, then its name."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from packet.classify import classify, clinical_case, make_title
from packet.models import Category

from conftest import CONSULT_TEXT, CT_TEXT, PATHOLOGY_TEXT


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (PATHOLOGY_TEXT, Category.PATHOLOGY),
        (CT_TEXT, Category.IMAGING),
        (CONSULT_TEXT, Category.CLINIC_NOTES),
        (
            "OPERATIVE REPORT\nPREOPERATIVE DIAGNOSIS: breast cancer\nESTIMATED BLOOD LOSS: 20 mL",
            Category.OPERATIVE,
        ),
        ("DISCHARGE SUMMARY\nHOSPITAL COURSE: uneventful", Category.HOSPITAL),
        (
            "COMPREHENSIVE GENOMIC PROFILING REPORT\nTumor mutational burden: 4 Muts/Mb",
            Category.BIOMARKERS,
        ),
        (
            "LABORATORY RESULTS\nTest Result Units Reference range\nHemoglobin 11.9 g/dL",
            Category.LABS,
        ),
        ("EXPLANATION OF BENEFITS\nTHIS IS NOT A BILL", Category.ADMINISTRATIVE),
        ("CURRENT MEDICATIONS\nletrozole 2.5 mg daily", Category.MEDICATIONS),
        ("CHEMOTHERAPY TREATMENT SUMMARY\nCycle 1 day 1", Category.TREATMENT),
    ],
)
def test_the_heading_decides(text: str, category: Category) -> None:
    found = classify(text, "Downloads/Document (3).pdf")
    assert found.category is category
    assert found.evidence is not None and found.evidence.source == "text"


def test_the_text_outweighs_a_misleading_folder() -> None:
    assert classify(PATHOLOGY_TEXT, "Radiology/scan.pdf").category is Category.PATHOLOGY


@pytest.mark.parametrize(
    ("path", "category", "source"),
    [
        ("Path reports/scan0001.pdf", Category.PATHOLOGY, "folder"),
        ("Radiology/2026/scan.pdf", Category.IMAGING, "folder"),
        ("Doctor visits/x.pdf", Category.CLINIC_NOTES, "folder"),
        ("MAMMO DX BILAT 2-3-26.pdf", Category.IMAGING, "file name"),
        ("Blood work/IMG_1.jpg", Category.LABS, "folder"),
    ],
)
def test_without_text_the_folder_then_the_name_decides(
    path: str, category: Category, source: str
) -> None:
    found = classify("", path)
    assert found.category is category
    assert found.evidence is not None and found.evidence.source == source


def test_nothing_to_go_on_is_other_without_evidence() -> None:
    found = classify("", "scan0002.pdf")
    assert found.category is Category.OTHER and found.evidence is None


def test_titles_read_like_a_contents_list() -> None:
    assert (
        make_title(Category.IMAGING, "RADIOLOGY REPORT", CT_TEXT, "x.pdf")
        == "CT chest/abdomen/pelvis with contrast"
    )
    title = make_title(Category.PATHOLOGY, "SURGICAL PATHOLOGY REPORT", PATHOLOGY_TEXT, "x.pdf")
    assert title == "Surgical pathology — left breast, core needle biopsy"
    assert (
        make_title(Category.IMAGING, "", "", "Imaging/US LEFT BREAST 1-28-26.pdf")
        == "US left breast"
    )
    assert make_title(Category.OTHER, "", "", "scan0002.pdf") == "Document"


def test_clinical_case_keeps_acronyms() -> None:
    assert clinical_case("PET/CT SKULL BASE TO MID-THIGH") == "PET/CT skull base to mid-thigh"
    assert clinical_case("MRI BRAIN W/ AND W/O CONTRAST") == "MRI brain with and without contrast"


@given(text=st.text(max_size=2000), path=st.text(min_size=1, max_size=80))
def test_any_text_and_name_get_a_category_and_a_title(text: str, path: str) -> None:
    found = classify(text, path)
    assert found.category in Category
    assert isinstance(make_title(found.category, found.heading, text, path), str)


@given(st.sampled_from([PATHOLOGY_TEXT, CT_TEXT, CONSULT_TEXT]), st.text(max_size=300))
def test_a_records_heading_wins_over_noise_after_it(text: str, noise: str) -> None:
    before = classify(text, "x.pdf").category
    assert classify(text + "\n" + noise, "x.pdf").category is before
