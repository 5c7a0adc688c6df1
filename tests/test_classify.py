"""Category and title: from the document's own headings first, then its folder, then its name."""

from __future__ import annotations

import re

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


# --- outside records: line roles and the section lexicon ---------------------------------------

OP_NOTE = """PREOPERATIVE DIAGNOSES:
1. Symptomatic cholelithiasis.
2. Obesity.
POSTOPERATIVE DIAGNOSES:
Same.
NAME OF OPERATION:
1. Laparoscopic cholecystectomy (with intraoperative cholangiogram).
2. Liver biopsy.
ANESTHESIA:
General endotracheal.
ESTIMATED BLOOD LOSS:
Minimal."""

CLINIC_WITH_MEDICATIONS = """CHIEF COMPLAINT: Follow-up of breast cancer.
HISTORY OF PRESENT ILLNESS: She was seen in the emergency room last week for a cough and a CBC
was normal. The treatment plan was reviewed; her ejection fraction was 60% in March.
CURRENT MEDICATIONS:
letrozole 2.5 mg by mouth daily
metoprolol 25 mg twice daily
vitamin D 1000 units daily
PHYSICAL EXAMINATION: Well appearing.
ASSESSMENT AND PLAN: Continue letrozole."""


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (OP_NOTE, Category.OPERATIVE),  # plural DIAGNOSES, NAME OF OPERATION
        # Phrases in sentences and a medication section do not outweigh the note's own sections.
        (CLINIC_WITH_MEDICATIONS, Category.CLINIC_NOTES),
        ("S:\nIn today for a sore throat.\nO:\nTemp 37.2.\nA:\nPharyngitis.\nP:\nFluids.",
         Category.CLINIC_NOTES),
        ("CC:\nHeadache.\nHX:\nThree days of headache.\nPMH:\nNone.\nEXAM:\nAlert.",
         Category.CLINIC_NOTES),
        ("REASON FOR CONSULTATION:\nNew diagnosis.\nHISTORY:\nBiopsy last week.\nIMPRESSION:\nStage II.",
         Category.CLINIC_NOTES),
        ("EXAM:\nMRI brain with and without contrast.\nTECHNIQUE:\nMultiplanar.\nFINDINGS:\nNo mass.",
         Category.IMAGING),
        ("FINDINGS:\nLeft ventricular ejection fraction 55%.\nIMPRESSION:\nNormal echocardiogram.",
         Category.IMAGING),  # "ejection fraction" is not radiation treatment
        ("Nature of specimen: Left breast excision\nMacro: 40 mm specimen.\nMicro: Carcinoma.\n"
         "Diagnosis: Invasive carcinoma\npTNM: pT2 N0\nWHO grade: 2", Category.PATHOLOGY),
        ("DELIVERY NOTE:\nThe patient delivered a viable infant under epidural anesthesia.",
         Category.OPERATIVE),
        ("ADMISSION DIAGNOSES\n1. Pneumonia.\nDISCHARGE DIAGNOSES\n1. Pneumonia.\nHOSPITAL COURSE:\n"
         "Treated with antibiotics.", Category.HOSPITAL),
        ("Lakeside Breast Clinic\nMarch 3, 2026\nRe: Ana Example\nI had the pleasure of seeing Ana "
         "in clinic today.\nWith kind regards,\nDr. Surgeon", Category.CLINIC_NOTES),
        ("Member ID: XEH123\nClaim number: 123456\nAmount billed: $100\nPatient responsibility: $0",
         Category.ADMINISTRATIVE),
    ],
)  # fmt: skip
def test_outside_records_are_read_by_their_sections(text: str, category: Category) -> None:
    assert classify(text, "scan0001.pdf").category is category


def test_junk_lines_before_the_heading_do_not_push_it_out() -> None:
    junk = "\n".join(["||| 0012 3481 ||", "A1B2C3D4E5F6", "Page 1 of 2", "*** ### ***"] * 6)
    found = classify(junk + "\n" + PATHOLOGY_TEXT, "scan0001.pdf")
    assert found.category is Category.PATHOLOGY
    assert found.heading == "SURGICAL PATHOLOGY REPORT"


def test_a_heading_decides_and_a_section_label_is_evidence() -> None:
    found = classify("CURRENT MEDICATIONS\nletrozole 2.5 mg daily", "x.pdf")
    assert found.category is Category.MEDICATIONS
    assert found.evidence is not None and found.evidence.detail.startswith("heading")
    found = classify(CLINIC_WITH_MEDICATIONS, "x.pdf")
    assert found.evidence is not None and found.evidence.detail.startswith("section labels")


def test_dictated_prose_is_weak_evidence_only() -> None:
    prose = (
        "The patient was brought to the operating room and general anesthesia was induced. "
        "The abdomen was prepped and draped in the usual sterile fashion. An incision was made."
    )
    found = classify(prose, "scan0001.pdf")
    assert found.category is Category.OPERATIVE
    assert found.evidence is not None and found.evidence.detail.startswith("wording")
    assert classify("The patient is doing well.", "scan0001.pdf").category is Category.OTHER


@pytest.mark.parametrize(
    ("text", "category", "title"),
    [
        # Whole while it fits two lines of a contents row.
        (OP_NOTE, Category.OPERATIVE,
         "Operative note — laparoscopic cholecystectomy (with intraoperative cholangiogram)"),
        ("EXAM:\nCT CHEST WITHOUT CONTRAST\nFINDINGS:\nClear.", Category.IMAGING,
         "CT chest without contrast"),
        ("SPECIMEN: A. Right breast, 12 o'clock, core biopsy; B. Axillary node\nDIAGNOSIS: DCIS",
         Category.PATHOLOGY, "Pathology report — right breast, core biopsy"),
        ("REASON FOR CONSULTATION:\nPain.\nHISTORY:\nOne week.", Category.CLINIC_NOTES,
         "Consultation"),
        ("SUBJECTIVE:\nFeels well.\nOBJECTIVE:\nNormal.\nASSESSMENT:\nStable.", Category.CLINIC_NOTES,
         "Progress note"),
        ("HOSPITAL COURSE:\nUneventful.\nDISCHARGE MEDICATIONS:\nNone.", Category.HOSPITAL,
         "Discharge summary"),
    ],
)  # fmt: skip
def test_titles_name_the_procedure_exam_specimen_or_kind_of_note(
    text: str, category: Category, title: str
) -> None:
    found = classify(text, "scan0001.pdf")
    assert found.category is category
    assert make_title(found.category, found.heading, text, "scan0001.pdf") == title


@pytest.mark.parametrize(
    "text",
    [
        "PREOPERATIVE DIAGNOSIS: , Chronic cholecystitis\nPROCEDURE:\n,Laparoscopic cholecystectomy",
        "PROCEDURE: 1. Excision of a very long named lesion of the left lower extremity (including"
        " the fascia and the underlying muscle layers down to the periosteum) with closure",
        "CHIEF COMPLAINT: Cough.\nHISTORY OF PRESENT ILLNESS: The patient is a 60-year-old man.",
        "NAME OF OPERATION:\n, (Left) knee arthroscopy\nANESTHESIA:\nGeneral",
    ],
)
def test_a_title_is_never_a_label_prose_or_cut_mid_word(text: str) -> None:
    found = classify(text, "scan0001.pdf")
    title = make_title(found.category, found.heading, text, "scan0001.pdf")
    assert not re.search(r"^[\W_]|:\s*$|[A-Z]{3,}:", title), title
    assert title.count("(") == title.count(")"), title
    assert "patient is" not in title
    words = re.findall(r"[A-Za-z]+", title.replace("…", ""))
    assert all(w.lower() in text.lower() or w in ("Operative", "note", "Clinic") for w in words)


@given(text=st.text(max_size=1500))
def test_no_text_makes_a_title_start_with_punctuation_or_end_with_a_label(text: str) -> None:
    found = classify(text, "scan0001.pdf")
    title = make_title(found.category, found.heading, text, "scan0001.pdf")
    assert title and not re.search(r"^[\W_]|:\s*$", title), title


def test_the_report_title_names_the_document_rather_than_the_letterhead() -> None:
    text = "Lakeside Medical Center — Nuclear Medicine\nPET/CT REPORT\nExam date: 03/05/2026"
    found = classify(text, "scan0001.pdf")
    assert found.category is Category.IMAGING and found.heading == "PET/CT REPORT"
    text = "# Email: Tumor marker results\nFrom: clinic@example.org"
    found = classify(text, "Email/message.eml")
    assert found.category is Category.OTHER
    assert (
        make_title(found.category, found.heading, text, "x.eml") == "Email — Tumor marker results"
    )
