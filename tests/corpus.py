"""A labelled evaluation corpus for reading records: invented documents of every category, in
the styles of many institutions, with the dates records really carry — and the distractors
(birth, printed, signed, received, comparison exams, the next appointment, dates in the
history). Every document is labelled with its category and its clinical date (None when the
document has none, such as a pharmacy printout).

Deterministic for a given seed. Nothing here is a real record.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas


@dataclass
class Sample:
    name: str  # file name, often one that says nothing
    category: str
    date: date | None  # the clinical date a clerk would write down
    lines: list[str]
    kind: str  # the document type, for the per-type figures
    birth: date = field(default=date(1960, 1, 1))


FIRST = [
    "Ana",
    "Maria",
    "John",
    "Wei",
    "Fatima",
    "Olga",
    "Kwame",
    "Lucía",
    "Priya",
    "Tom",
    "Helen",
    "Omar",
]
LAST = ["Example", "Sample", "Doe", "Testperson", "Placeholder", "Fictional", "Madeup", "Inventa"]
INSTITUTIONS = [
    ("LAKESIDE MEDICAL CENTER", "upper"),
    ("Riverside University Hospital", "mixed"),
    ("St. Example Regional Health", "mixed"),
    ("NORTHFIELD CANCER INSTITUTE", "upper"),
    ("Valley Community Hospital", "mixed"),
    ("Harbor Oncology Associates, P.C.", "mixed"),
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]  # fmt: skip


def fmt(d: date, rng: random.Random, with_time: bool | None = None) -> str:
    """A date in one of the forms records use, sometimes with a time."""
    style = rng.randrange(7)
    mon = MONTHS[d.month - 1]
    text = [
        f"{d.month:02d}/{d.day:02d}/{d.year}",
        f"{d.month}/{d.day}/{d.year % 100:02d}",
        f"{mon} {d.day}, {d.year}",
        f"{mon[:3]} {d.day} {d.year}",
        f"{d.day:02d}-{mon[:3].upper()}-{d.year}",
        d.isoformat(),
        f"{d.month:02d}/{d.day:02d}/{d.year}",
    ][style]
    if with_time if with_time is not None else rng.random() < 0.35:
        text += rng.choice(
            [
                f" {rng.randrange(7, 18):02d}:{rng.randrange(60):02d}",
                f" {rng.randrange(1, 12)}:{rng.randrange(60):02d} PM",
            ]
        )
    return text


def header(rng: random.Random, institution: str, dept: str) -> list[str]:
    lines = [institution, dept] if rng.random() < 0.7 else [institution]
    lines.append(
        rng.choice(
            [
                "100 Example Avenue, Springfield",
                "2200 Placeholder Rd, Suite 300",
                "Fax 555-0101  Tel 555-0100",
            ]
        )
    )
    return lines


def patient_block(rng: random.Random, name: str, birth: date, mrn: str) -> list[str]:
    dob = rng.choice(["DOB", "Date of Birth", "D.O.B.", "Birth Date"])
    sep = rng.choice(["    ", "  |  ", "\n"])
    parts = [f"Patient: {name}", f"{dob}: {fmt(birth, rng, False)}", f"MRN: {mrn}"]
    return sep.join(parts).split("\n")


# Each maker returns (category, lines, clinical date or None, kind).
Maker = Callable[[random.Random, dict], tuple[str, list[str], date | None]]


def _surgical_pathology(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    site = rng.choice(["Left breast, 2 o'clock, core needle biopsy", "Right upper lobe lung, wedge resection",
                       "Sigmoid colon, segmental resection", "Prostate, needle biopsies (12 cores)",
                       "Left axillary lymph node, excision"])  # fmt: skip
    heading = rng.choice(
        ["SURGICAL PATHOLOGY REPORT", "Surgical Pathology Report", "PATHOLOGY REPORT - SURGICAL"]
    )
    label = rng.choice(["Collected", "Date Collected", "Collection Date", "Specimen Collected", "Date of Procedure",
                        "Date/Time Collected", "Date Obtained", "Procedure Date/Time"])  # fmt: skip
    lines = [heading, *c["patient"],
             f"Accession: S{d.year % 100}-{rng.randrange(10000, 99999)}",
             f"{label}: {fmt(d, rng)}    Received: {fmt(d + timedelta(days=1), rng)}",
             "SPECIMEN:", site,
             "CLINICAL HISTORY:", f"Mass noted on imaging of {fmt(d - timedelta(days=rng.randrange(5, 30)), rng, False)}.",
             "FINAL DIAGNOSIS:", "Invasive carcinoma, moderately differentiated (grade 2).",
             "Margins: negative. Lymphovascular invasion: not identified.",
             "GROSS DESCRIPTION:", "Received in formalin, labeled with the patient's name.",
             f"Electronically signed by A. Pathologist, MD on {fmt(d + timedelta(days=rng.randrange(2, 6)), rng)}"]  # fmt: skip
    return "pathology", lines, d


def _addendum(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = ["SURGICAL PATHOLOGY - ADDENDUM REPORT", *c["patient"],
             f"Date of Collection: {fmt(d, rng)}",
             f"Addendum date: {fmt(d + timedelta(days=9), rng)}",
             "ADDENDUM:", "Additional levels were examined. The diagnosis is unchanged.",
             "FINAL DIAGNOSIS (original):", "Invasive ductal carcinoma.",
             f"Addendum signed out by B. Pathologist, MD {fmt(d + timedelta(days=9), rng)}"]  # fmt: skip
    return "pathology", lines, d


def _cytology(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = [rng.choice(["CYTOPATHOLOGY REPORT", "NON-GYN CYTOLOGY REPORT", "Cytology Report"]), *c["patient"],
             f"{rng.choice(['Collected', 'Procedure Date', 'Date of Service'])}: {fmt(d, rng)}",
             "SPECIMEN: Pleural fluid, right, thoracentesis",
             "DIAGNOSIS: Positive for malignant cells, consistent with metastatic adenocarcinoma.",
             f"Screened by cytotechnologist; verified {fmt(d + timedelta(days=2), rng)}"]  # fmt: skip
    return "pathology", lines, d


def _outside_review(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    orig = d - timedelta(days=rng.randrange(20, 60))
    lines = [rng.choice(["OUTSIDE SLIDE REVIEW", "PATHOLOGY CONSULTATION - OUTSIDE MATERIAL", "Second Opinion Slide Review"]),
             *c["patient"],
             f"Slides received: {fmt(d, rng)}",
             f"Outside case S-{rng.randrange(1000, 9999)}, originally collected {fmt(orig, rng)} at another hospital.",
             "DIAGNOSIS: We agree with the outside diagnosis of invasive lobular carcinoma.",
             f"Report date: {fmt(d + timedelta(days=3), rng)}"]  # fmt: skip
    # The date a clerk writes for a slide review is the date the slides were collected.
    return "pathology", lines, orig


def _bone_marrow(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = ["HEMATOPATHOLOGY REPORT", "BONE MARROW BIOPSY AND ASPIRATE", *c["patient"],
             f"Procedure date: {fmt(d, rng)}",
             "FINAL DIAGNOSIS: Normocellular marrow with trilineage hematopoiesis; no lymphoma identified.",
             f"Signed {fmt(d + timedelta(days=4), rng)}"]  # fmt: skip
    return "pathology", lines, d


def _ngs(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = [rng.choice(["COMPREHENSIVE GENOMIC PROFILING REPORT", "Next-Generation Sequencing Report", "MOLECULAR PROFILING RESULTS"]),
             *c["patient"],
             f"Specimen collected: {fmt(d, rng)}   Specimen received: {fmt(d + timedelta(days=5), rng)}",
             f"Report date: {fmt(d + timedelta(days=14), rng)}",
             "GENOMIC ALTERATIONS IDENTIFIED: PIK3CA H1047R; TP53 R273H",
             "Tumor mutational burden: 4 Muts/Mb. Microsatellite status: MS-Stable.",
             "Variants of uncertain significance: ATM c.1234A>G"]  # fmt: skip
    return "biomarkers", lines, d


def _ihc(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = [rng.choice(["BREAST BIOMARKER REPORT", "Receptor Status Panel (Immunohistochemistry)", "BIOMARKER RESULTS - ER/PR/HER2"]),
             *c["patient"],
             f"{rng.choice(['Date collected', 'Collection date', 'Collected'])}: {fmt(d, rng)}",
             "Estrogen receptor (ER): Positive, 90%, strong. Allred score 8.",
             "Progesterone receptor (PR): Positive, 30%.",
             "HER2 (IHC): 1+ Negative. Ki-67: 15%.",
             f"Reported: {fmt(d + timedelta(days=6), rng)}"]  # fmt: skip
    return "biomarkers", lines, d


def _germline(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = [rng.choice(["GERMLINE GENETIC TESTING REPORT", "Hereditary Cancer Panel Results", "GENETIC TESTING REPORT - HEREDITARY CANCER"]),
             *c["patient"],
             f"Sample type: Saliva   Collection date: {fmt(d, rng)}",
             f"Report date: {fmt(d + timedelta(days=21), rng)}",
             "RESULT: NEGATIVE - No pathogenic variants identified in 47 genes analyzed.",
             "Genes analyzed: APC, ATM, BRCA1, BRCA2, CHEK2, PALB2, TP53 and others."]  # fmt: skip
    return "biomarkers", lines, d


def _pdl1(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = ["PD-L1 IHC 22C3 REPORT", *c["patient"],
             f"Specimen collected {fmt(d, rng)}",
             "Tumor proportion score (TPS): 60% - High expression.",
             f"Resulted {fmt(d + timedelta(days=7), rng)}"]  # fmt: skip
    return "biomarkers", lines, d


def _ct(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    exam = rng.choice(["CT CHEST ABDOMEN PELVIS WITH CONTRAST", "CT CHEST WITHOUT CONTRAST", "CT ABDOMEN AND PELVIS W/ CONTRAST",
                       "CT HEAD WITHOUT CONTRAST"])  # fmt: skip
    label = rng.choice(["Exam Date", "Date of Exam", "Date of Service", "Study Date", "Exam performed",
                        "Exam Performed On", "Study Date/Time", "DOS", "Date"])  # fmt: skip
    lines = [rng.choice(["RADIOLOGY REPORT", "DIAGNOSTIC IMAGING REPORT", "Radiology Report"]), *c["patient"],
             f"{label}: {fmt(d, rng)}",
             f"EXAM: {exam}",
             f"COMPARISON: CT of {fmt(d - timedelta(days=rng.randrange(60, 200)), rng, False)}.",
             "TECHNIQUE: Axial images were obtained.",
             "FINDINGS: No new pulmonary nodules. Liver without focal lesion.",
             "IMPRESSION: Stable disease.",
             f"Electronically signed by R. Radiologist, MD {fmt(d + timedelta(days=1), rng)}"]  # fmt: skip
    return "imaging", lines, d


def _mri(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = ["MRI REPORT" if rng.random() < 0.5 else "MAGNETIC RESONANCE IMAGING", *c["patient"],
             f"Date of study: {fmt(d, rng)}",
             f"EXAMINATION: {rng.choice(['MRI BRAIN W AND WO CONTRAST', 'MRI BREAST BILATERAL', 'MRI PELVIS'])}",
             "FINDINGS: No enhancing lesion.",
             "IMPRESSION: No evidence of metastatic disease.",
             f"Finalized {fmt(d + timedelta(days=1), rng)}"]  # fmt: skip
    return "imaging", lines, d


def _pet(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = ["NUCLEAR MEDICINE", "PET/CT REPORT", *c["patient"],
             f"Exam date: {fmt(d, rng)}",
             "EXAM: PET/CT SKULL BASE TO MID-THIGH",
             f"COMPARISON: PET/CT {fmt(d - timedelta(days=90), rng, False)}",
             "FINDINGS: Hypermetabolic left axillary node, SUV max 5.2.",
             "IMPRESSION: Nodal disease; no distant metastases."]  # fmt: skip
    return "imaging", lines, d


def _mammo(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = [rng.choice(["BREAST IMAGING REPORT", "DIAGNOSTIC MAMMOGRAM REPORT", "Mammography Report"]), *c["patient"],
             f"Date of exam: {fmt(d, rng)}",
             f"EXAM: {rng.choice(['MAMMO DIAGNOSTIC BILATERAL', 'SCREENING MAMMOGRAM BILATERAL WITH TOMOSYNTHESIS'])}",
             f"COMPARISON: {fmt(d - timedelta(days=365), rng, False)}",
             "FINDINGS: Irregular spiculated mass in the left breast at 2 o'clock.",
             "IMPRESSION: BI-RADS 5 - highly suggestive of malignancy.",
             f"Next screening due: {fmt(d + timedelta(days=365), rng, False)}"]  # fmt: skip
    return "imaging", lines, d


def _ultrasound(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = ["ULTRASOUND REPORT", *c["patient"],
             f"Date of service: {fmt(d, rng)}",
             f"EXAM: US {rng.choice(['LEFT BREAST LIMITED', 'ABDOMEN COMPLETE', 'THYROID'])}",
             "FINDINGS: Hypoechoic mass measuring 2.1 cm.",
             "IMPRESSION: Suspicious; biopsy recommended."]  # fmt: skip
    return "imaging", lines, d


def _xray(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = ["RADIOLOGY REPORT", *c["patient"],
             f"Exam Date: {fmt(d, rng)}",
             "EXAM: XR CHEST 2 VIEWS",
             "FINDINGS: Port catheter tip in the SVC. Lungs clear.",
             "IMPRESSION: No acute process."]  # fmt: skip
    return "imaging", lines, d


def _operative(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    proc = rng.choice(["Left breast lumpectomy with sentinel lymph node biopsy", "Right hemicolectomy",
                       "Robotic-assisted radical prostatectomy", "Left upper lobectomy"])  # fmt: skip
    lines = [rng.choice(["OPERATIVE REPORT", "Operative Note", "OPERATIVE NOTE"]), *c["patient"],
             f"{rng.choice(['Date of Surgery', 'Date of Operation', 'Surgery Date', 'Date of Procedure'])}: {fmt(d, rng)}",
             "PREOPERATIVE DIAGNOSIS: Carcinoma.", "POSTOPERATIVE DIAGNOSIS: Same.",
             f"PROCEDURE PERFORMED: {proc}",
             "SURGEON: L. Surgeon, MD", "ANESTHESIA: General", "ESTIMATED BLOOD LOSS: 50 mL",
             f"Dictated {fmt(d, rng)}; transcribed {fmt(d + timedelta(days=1), rng)}"]  # fmt: skip
    return "operative", lines, d


def _procedure(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = ["PROCEDURE NOTE", *c["patient"],
             f"Procedure date: {fmt(d, rng)}",
             f"PROCEDURE: {rng.choice(['Port-a-cath placement, right internal jugular', 'Colonoscopy with biopsy', 'Bronchoscopy with EBUS-TBNA'])}",
             "INDICATIONS FOR PROCEDURE: Access for chemotherapy.",
             "FINDINGS: Uncomplicated.", "ESTIMATED BLOOD LOSS: Minimal."]  # fmt: skip
    return "operative", lines, d


def _consult(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = [rng.choice(["MEDICAL ONCOLOGY CONSULTATION", "Radiation Oncology Consultation", "NEW PATIENT CONSULTATION"]),
             *c["patient"],
             rng.choice([f"Date of Service: {fmt(d, rng)}", f"Visit Date: {fmt(d, rng)}", f"Encounter Date {fmt(d, rng)}",
                         f"Date: {fmt(d, rng)}", f"Seen on {fmt(d, rng)}"]),
             "REASON FOR REFERRAL: New diagnosis of cancer.",
             f"HISTORY OF PRESENT ILLNESS: Biopsy on {fmt(d - timedelta(days=12), rng, False)} showed carcinoma.",
             "ASSESSMENT AND PLAN: Staging, then systemic therapy.",
             f"Return visit: {fmt(d + timedelta(days=21), rng, False)}",
             f"Electronically signed {fmt(d + timedelta(days=1), rng)}"]  # fmt: skip
    return "clinic_notes", lines, d


def _progress(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = [rng.choice(["PROGRESS NOTE", "Oncology Progress Note", "FOLLOW-UP VISIT"]), *c["patient"],
             f"{rng.choice(['Date of Service', 'Visit date', 'DOS'])}: {fmt(d, rng)}",
             "INTERVAL HISTORY: Tolerating treatment.",
             f"Prior imaging {fmt(d - timedelta(days=40), rng, False)} showed response.",
             "ASSESSMENT/PLAN: Continue current therapy.",
             f"Follow-up in 3 weeks ({fmt(d + timedelta(days=21), rng, False)})."]  # fmt: skip
    return "clinic_notes", lines, d


def _avs(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = ["After Visit Summary", f"{c['name']}    {fmt(d, rng, False)}    {rng.choice(['Lakeside Oncology', 'Riverside Cancer Clinic'])}",
             f"Visit date: {fmt(d, rng)}", "Reason for Visit: Follow-up",
             "Today's medications: letrozole 2.5 mg daily",
             f"Your next appointment: {fmt(d + timedelta(days=28), rng)}",
             f"Printed on {fmt(d + timedelta(days=30), rng)}"]  # fmt: skip
    return "clinic_notes", lines, d


def _letter(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = [c["institution"], fmt(d, rng, False), "", "Dear Dr. Primary,",
             f"Thank you for referring {c['name']} (DOB {fmt(c['birth'], rng, False)}), whom I saw in clinic today.",
             f"Her biopsy of {fmt(d - timedelta(days=14), rng, False)} showed invasive carcinoma.",
             "I have recommended neoadjuvant chemotherapy.", "Sincerely,", "R. Oncologist, MD"]  # fmt: skip
    return "clinic_notes", lines, d


def _discharge(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = ["DISCHARGE SUMMARY", *c["patient"],
             f"Admission Date: {fmt(d, rng)}    Discharge Date: {fmt(d + timedelta(days=4), rng)}",
             "HOSPITAL COURSE: Admitted with febrile neutropenia; treated with antibiotics.",
             "DISCHARGE DIAGNOSIS: Febrile neutropenia.",
             f"Follow-up appointment: {fmt(d + timedelta(days=10), rng, False)}"]  # fmt: skip
    return "hospital", lines, d


def _ed(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = [rng.choice(["EMERGENCY DEPARTMENT PROVIDER NOTE", "ED Provider Note", "EMERGENCY DEPARTMENT VISIT"]), *c["patient"],
             f"Arrival: {fmt(d, rng, True)}",
             "CHIEF COMPLAINT: Fever and chills.",
             "ED COURSE: Blood cultures drawn; discharged home.",
             f"Discharge: {fmt(d + timedelta(days=1), rng, True)}"]  # fmt: skip
    return "hospital", lines, d


def _labs(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = [rng.choice(["LABORATORY RESULTS", "Lab Results", "LABORATORY REPORT"]), *c["patient"],
             f"{rng.choice(['Collected', 'Collection Date', 'Specimen Collected'])}: {fmt(d, rng)}   Resulted: {fmt(d, rng)}",
             "COMPLETE BLOOD COUNT", "Test        Result   Units    Reference Range",
             "WBC         5.2      K/uL     4.0-11.0", "Hemoglobin  11.8 L   g/dL     12.0-15.5",
             "Platelets   230      K/uL     150-400"]  # fmt: skip
    return "labs", lines, d


def _tumor_markers(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = ["TUMOR MARKERS", *c["patient"], f"Date collected: {fmt(d, rng)}",
             "CEA        2.1   ng/mL   (reference range 0.0-3.0)",
             "CA 27-29   31    U/mL    (reference range 0-38)",
             f"Previous CEA {fmt(d - timedelta(days=90), rng, False)}: 2.4"]  # fmt: skip
    return "labs", lines, d


def _pharmacy(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = [rng.choice(["PHARMACY PRINTOUT - PRESCRIPTION HISTORY", "Medication History (Pharmacy Record)"]),
             f"Patient: {c['name']}   DOB: {fmt(c['birth'], rng, False)}",
             f"Printed: {fmt(d, rng)}",
             f"LETROZOLE 2.5 MG TAB   Rx# 77{rng.randrange(10000, 99999)}   Filled {fmt(d - timedelta(days=3), rng, False)}   Refills: 5",
             f"ONDANSETRON 8 MG ODT   Rx# 70{rng.randrange(10000, 99999)}   Filled {fmt(d - timedelta(days=60), rng, False)}",
             "Sig: take 1 tablet by mouth daily"]  # fmt: skip
    return "medications", lines, None


def _med_list(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = ["CURRENT MEDICATIONS", f"{c['name']}  DOB {fmt(c['birth'], rng, False)}",
             f"As of {fmt(d, rng, False)}",
             "letrozole 2.5 mg by mouth once daily", "vitamin D3 2000 IU daily", "lisinopril 10 mg daily"]  # fmt: skip
    return "medications", lines, None


def _chemo(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = [rng.choice(["CHEMOTHERAPY TREATMENT SUMMARY", "Infusion Record", "CHEMOTHERAPY ADMINISTRATION RECORD"]), *c["patient"],
             f"{rng.choice(['Treatment start date', 'Date of treatment', 'Administered'])}: {fmt(d, rng)}",
             f"Regimen: {rng.choice(['AC-T (dose dense)', 'FOLFOX', 'Carboplatin/Pemetrexed/Pembrolizumab'])}",
             "Cycle 1 Day 1. Premedications given. Tolerated without reaction.",
             f"Next cycle scheduled: {fmt(d + timedelta(days=14), rng, False)}"]  # fmt: skip
    return "treatment", lines, d


def _radiation(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = ["RADIATION ONCOLOGY TREATMENT SUMMARY", *c["patient"],
             f"Treatment dates: {fmt(d, rng, False)} to {fmt(d + timedelta(days=40), rng, False)}",
             "Site: Left breast and regional nodes. Dose: 50 Gy in 25 fractions.",
             "Tolerated well with grade 1 dermatitis.",
             f"Summary completed {fmt(d + timedelta(days=45), rng)}"]  # fmt: skip
    return "treatment", lines, d


def _eob(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = ["EXPLANATION OF BENEFITS", "THIS IS NOT A BILL", f"Member: {c['name']}   Member ID: XEH{rng.randrange(100000, 999999)}",
             f"Statement date: {fmt(d + timedelta(days=30), rng, False)}",
             f"Claim number: {rng.randrange(10**9, 10**10)}",
             f"Date of service: {fmt(d, rng, False)}   Provider: Lakeside Medical Center",
             "Amount billed: $4,200.00   Plan paid: $3,100.00   Patient responsibility: $250.00"]  # fmt: skip
    return "administrative", lines, d


def _prior_auth(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = ["PRIOR AUTHORIZATION DETERMINATION", f"Member: {c['name']}   Member ID: XEH{rng.randrange(100000, 999999)}",
             f"Letter date: {fmt(d, rng, False)}",
             "Service requested: PET/CT. Determination: Approved.",
             f"Valid through {fmt(d + timedelta(days=90), rng, False)}"]  # fmt: skip
    return "administrative", lines, None


# --- kinds written the way other institutions write them: no telling heading, section labels
# in other words, letters without "Dear" at a line start.


def _pathology_plain(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = [*c["patient"],
             f"Lab no.: H{d.year % 100}/{rng.randrange(1000, 9999)}   Date of collection: {fmt(d, rng)}",
             f"Date received: {fmt(d + timedelta(days=1), rng)}",
             rng.choice(["Nature of specimen:", "NATURE OF SPECIMEN:", "Specimen description:"]),
             rng.choice(["Left breast, wide local excision", "Sigmoid colon, anterior resection", "Right lung lower lobe, lobectomy"]),
             rng.choice(["Macroscopic description:", "MACRO:", "Gross:"]),
             "Received fresh; a 45 x 30 x 20 mm specimen, inked and serially sliced.",
             rng.choice(["Microscopic description:", "MICRO:", "Microscopy:"]),
             "Sections show an invasive adenocarcinoma, moderately differentiated.",
             rng.choice(["DIAGNOSIS:", "Conclusion:", "Diagnoses:"]),
             "Invasive carcinoma, 22 mm, margins clear.",
             f"pTNM: pT2 N{rng.choice(['0', '1a'])}   WHO grade: 2",
             f"Authorised {fmt(d + timedelta(days=5), rng)}"]  # fmt: skip
    return "pathology", lines, d


def _neuropathology(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = ["NEUROPATHOLOGY", *c["patient"],
             f"Procedure date: {fmt(d, rng)}",
             "Clinical information: Right frontal mass.",
             "Diagnosis: Glioblastoma, IDH-wildtype, CNS WHO grade 4.",
             "Molecular: MGMT promoter methylated.",
             f"Signed out {fmt(d + timedelta(days=8), rng)}"]  # fmt: skip
    return "pathology", lines, d


def _ihc_plain(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = [*c["patient"],
             f"Block: A{rng.randrange(1, 6)}   Collection date: {fmt(d, rng)}",
             "Estrogen receptor (clone SP1): positive, 95%, strong",
             "Progesterone receptor: positive, 40%",
             f"HER2 (4B5): {rng.choice(['0', '1+', '2+ equivocal, FISH to follow'])}",
             "Ki-67: 20%",
             f"Reported: {fmt(d + timedelta(days=4), rng)}"]  # fmt: skip
    return "biomarkers", lines, d


def _liquid_biopsy(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = [rng.choice(["Liquid Biopsy Report (ctDNA)", "CIRCULATING TUMOR DNA ANALYSIS"]), *c["patient"],
             f"Blood draw: {fmt(d, rng)}    Report date: {fmt(d + timedelta(days=10), rng)}",
             "Alterations detected: EGFR L858R (VAF 2.1%), EGFR T790M not detected",
             "Genes analyzed: 74"]  # fmt: skip
    return "biomarkers", lines, d


def _lab_panel(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = [*c["patient"],
             f"{rng.choice(['Specimen collected', 'Collected', 'Drawn'])}: {fmt(d, rng)}",
             rng.choice(["CHEMISTRY", "Comprehensive Metabolic Panel", "HEMATOLOGY"]),
             "Component    Value   Flag   Units    Ref range",
             "Sodium       139            mmol/L   135-145",
             "Creatinine   1.3     H      mg/dL    0.6-1.1",
             "ALT          28             U/L      7-35",
             "Albumin      3.9            g/dL     3.5-5.0"]  # fmt: skip
    return "labs", lines, d


def _med_reconciliation(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    lines = [f"{c['name']}", rng.choice(["Active Medications:", "Medication Reconciliation", "Your Medication List"]),
             "tamoxifen 20 mg by mouth daily",
             "ondansetron 8 mg every 8 hours as needed for nausea",
             "metformin 500 mg twice daily with meals",
             "atorvastatin 40 mg nightly"]  # fmt: skip
    return "medications", lines, None


def _chemo_summary(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = [rng.choice(["ONCOLOGY TREATMENT SUMMARY", "Systemic Therapy Summary", "Infusion Flowsheet"]), *c["patient"],
             f"Date of treatment: {fmt(d, rng)}",
             f"Regimen: {rng.choice(['Docetaxel/Cyclophosphamide (TC)', 'Paclitaxel weekly', 'Pembrolizumab'])}",
             f"Cycle: {rng.randrange(1, 7)}   Day: 1",
             "Dose administered: 75 mg/m2   BSA: 1.82",
             "Premedications: dexamethasone, ondansetron",
             f"Next treatment: {fmt(d + timedelta(days=21), rng, False)}"]  # fmt: skip
    return "treatment", lines, d


def _letter_plain(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = [c["institution"], f"{fmt(d, rng, False)}",
             f"Dr. P. Primary, Family Practice, 12 Main Street     Re: {c['name']}, DOB {fmt(c['birth'], rng, False)}",
             f"I had the pleasure of seeing {c['name'].split()[0]} in the breast clinic today.",
             f"Her mammogram of {fmt(d - timedelta(days=20), rng, False)} showed a 2 cm mass.",
             "We will proceed with an ultrasound-guided biopsy.",
             rng.choice(["Yours sincerely,", "With kind regards,", "Best regards,"]),
             "S. Surgeon, FRCS"]  # fmt: skip
    return "clinic_notes", lines, d


def _er_note(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    d = c["day"]
    lines = [rng.choice(["Emergency Physician Record", "ER REPORT", "Emergency Room Visit"]), *c["patient"],
             f"Date of visit: {fmt(d, rng)}   Time seen: {rng.randrange(1, 12)}:{rng.randrange(10, 59)}",
             "Triage: ESI 3",
             "History of present illness: Fever 38.9 on day 10 after chemotherapy.",
             "Current medications: letrozole; ondansetron as needed.",
             "Medical decision making: Neutropenic fever protocol; cultures and cefepime.",
             "Disposition: Admitted to oncology."]  # fmt: skip
    return "hospital", lines, d


def _health_summary(rng: random.Random, c: dict) -> tuple[str, list[str], date | None]:
    lines = ["Continuity of Care Document", f"Patient: {c['name']}",
             f"Document created: {fmt(c['day'] + timedelta(days=200), rng, False)}",
             "Problems: Breast cancer, left", "Allergies: None known",
             "Medications: letrozole 2.5 mg daily"]  # fmt: skip
    return "other", lines, None


MAKERS: dict[str, Maker] = {
    "surgical pathology": _surgical_pathology, "pathology addendum": _addendum, "cytology": _cytology,
    "outside slide review": _outside_review, "bone marrow": _bone_marrow, "NGS report": _ngs,
    "IHC receptor panel": _ihc, "germline panel": _germline, "PD-L1": _pdl1, "CT": _ct, "MRI": _mri,
    "PET/CT": _pet, "mammography": _mammo, "ultrasound": _ultrasound, "X-ray": _xray,
    "operative note": _operative, "procedure note": _procedure, "consultation": _consult,
    "progress note": _progress, "after visit summary": _avs, "letter": _letter,
    "discharge summary": _discharge, "emergency visit": _ed, "lab table": _labs,
    "tumor markers": _tumor_markers, "pharmacy printout": _pharmacy, "medication list": _med_list,
    "chemotherapy record": _chemo, "radiation summary": _radiation, "insurance statement": _eob,
    "prior authorization": _prior_auth, "pathology without heading": _pathology_plain,
    "neuropathology": _neuropathology, "IHC without heading": _ihc_plain,
    "liquid biopsy": _liquid_biopsy, "lab panel": _lab_panel,
    "medication reconciliation": _med_reconciliation, "chemotherapy summary": _chemo_summary,
    "letter without Dear": _letter_plain, "ER note": _er_note, "health summary": _health_summary,
}  # fmt: skip

UNINFORMATIVE = [
    "scan{n:04d}.pdf",
    "Document ({n}).pdf",
    "download ({n}).pdf",
    "IMG_{n:04d}.pdf",
    "file{n}.pdf",
    "doc{n:05d}.pdf",
]


def make_corpus(count: int = 246, seed: int = 7) -> list[Sample]:
    """`count` documents, every type several times, half of them with names that say nothing."""
    rng = random.Random(seed)
    kinds = list(MAKERS)
    samples = []
    for n in range(count):
        kind = kinds[n % len(kinds)]
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        birth = date(rng.randrange(1940, 1990), rng.randrange(1, 13), rng.randrange(1, 29))
        day = date(2025, 1, 1) + timedelta(days=rng.randrange(0, 600))
        institution, _ = rng.choice(INSTITUTIONS)
        mrn = str(rng.randrange(10**7, 10**8))
        context = {
            "name": name, "birth": birth, "day": day, "institution": institution,
            "patient": patient_block(rng, name, birth, mrn),
        }  # fmt: skip
        category, lines, clinical = MAKERS[kind](rng, context)
        lines = (
            header(
                rng,
                institution,
                rng.choice(["Department of Pathology", "Radiology", "Cancer Center", "Clinic"]),
            )
            + lines
        )
        if n % 2 == 0 or rng.random() < 0.2:  # well over half say nothing about the record
            file_name = rng.choice(UNINFORMATIVE).format(n=n + 1)
        else:
            file_name = f"{kind} {n + 1}.pdf".replace("/", "-")
        samples.append(Sample(file_name, category, clinical, lines, kind, birth))
    return samples


def write_text_pdf(path: Path, lines: list[str]) -> None:
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    y = 740.0
    for line in lines:
        c.setFont("Helvetica-Bold" if line.isupper() and len(line) < 60 else "Helvetica", 10)
        c.drawString(54, y, line)
        y -= 15
    c.showPage()
    c.save()


def write_scanned_pdf(path: Path, lines: list[str], seed: int) -> None:
    """The same page as a scanner makes it: an image of the text, no text layer."""
    rng = random.Random(seed)
    image = Image.new("L", (1700, 2200), 245)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=30)
    y = 120
    for line in lines:
        draw.text((110, y), line, fill=20, font=font)
        y += 46
    image = image.rotate(rng.uniform(-0.8, 0.8), fillcolor=245)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=75)
    buffer.seek(0)
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    c.drawImage(ImageReader(buffer), 0, 0, width=letter[0], height=letter[1])
    c.showPage()
    c.save()


def write_corpus(folder: Path, samples: list[Sample], scanned: bool = False) -> dict[str, Sample]:
    folder.mkdir(parents=True, exist_ok=True)
    by_path = {}
    for n, sample in enumerate(samples):
        path = folder / sample.name
        if scanned:
            write_scanned_pdf(path, sample.lines, n)
        else:
            write_text_pdf(path, sample.lines)
        by_path[sample.name] = sample
    return by_path
