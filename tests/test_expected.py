"""The results each cancer's workup expects: the table, the cancer it applies to, and each result
found, pending or not found, from reports written the ways laboratories and clinics write them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from packet.check import check_folder
from packet.expected import table
from packet.expected_pages import expected_questions
from packet.facts import extract
from packet.models import (
    Category,
    ClinicalSummary,
    DocumentOut,
    DocumentStatus,
    ExpectedCancer,
    ExpectedStatus,
    FactKind,
    FileKind,
    ItemStatus,
)
from packet.summary import clinical_summary
from packet.workup import pending_results, stated_diagnoses


def _doc(text: str, path: str = "report.pdf") -> DocumentOut:
    pages = text.split("\f")
    return DocumentOut(
        path=path,
        kind=FileKind.PDF,
        category=Category.PATHOLOGY,
        date=None,
        title=path,
        pages=len(pages),
        status=DocumentStatus.INCLUDED,
        reason="",
        duplicate_of=None,
        evidence=[],
        filed_by_content=True,
        facts=extract(pages),
        pending=pending_results(pages),
        diagnoses=stated_diagnoses(pages),
    )


def summary_of(*texts: str, diagnosis: str = "") -> ClinicalSummary:
    docs = [_doc(text, f"r{n}.pdf") for n, text in enumerate(texts)]
    return clinical_summary(docs, [], [], diagnosis)


def assessed(*texts: str, diagnosis: str = "") -> ExpectedCancer:
    cancers = summary_of(*texts, diagnosis=diagnosis).expected
    assert len(cancers) == 1, cancers
    return cancers[0]


def status(cancer: ExpectedCancer) -> dict[str, ExpectedStatus]:
    return {r.id: r.status for r in cancer.results}


FOUND, PENDING, NOT_FOUND = ExpectedStatus.FOUND, ExpectedStatus.PENDING, ExpectedStatus.NOT_FOUND


# --- the table ---------------------------------------------------------------------------------


def test_every_row_of_the_table_names_its_public_source_with_a_year() -> None:
    for cancer in table():
        assert cancer.results, cancer.id
        for result in cancer.results:
            assert re.search(r"(?:ASCO|CAP|NCCN|NCI|AJCC|FIGO|ASCP|IASLC|AMP)", result.source)
            assert re.search(r"\b20\d\d\b", result.source) or "NCI" in result.source, result


def test_the_table_covers_the_cancers_the_issue_names() -> None:
    ids = {c.id for c in table()}
    assert ids >= {"breast", "nsclc", "colorectal", "prostate", "melanoma", "ovarian",
                   "pancreatic", "gastric", "esophageal", "endometrial", "bladder"}  # fmt: skip


def test_the_table_ships_with_the_package() -> None:
    text = Path("pyproject.toml").read_text(encoding="utf-8")
    assert '"packet.data" = ["*.toml"]' in text


# --- which cancer ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("diagnosis", "cancer"),
    [
        ("Invasive ductal carcinoma, left breast, ER+/PR+/HER2-", "breast"),
        ("Stage IV non-small cell lung cancer", "nsclc"),
        ("Adenocarcinoma of the lung, right upper lobe", "nsclc"),
        ("metastatic NSCLC", "nsclc"),
        ("Sigmoid colon adenocarcinoma", "colorectal"),
        ("Rectal cancer", "colorectal"),
        ("Prostate adenocarcinoma, Gleason 3+4", "prostate"),
        ("Melanoma of the right calf", "melanoma"),
        ("High-grade serous ovarian carcinoma", "ovarian"),
        ("Pancreatic ductal adenocarcinoma", "pancreatic"),
        ("Gastric adenocarcinoma", "gastric"),
        ("Adenocarcinoma of the gastroesophageal junction", "esophageal"),
        ("Endometrial cancer, endometrioid type", "endometrial"),
        ("Urothelial carcinoma of the bladder", "bladder"),
    ],
)
def test_the_familys_diagnosis_names_the_cancer_in_its_own_words(
    diagnosis: str, cancer: str
) -> None:
    found = summary_of(diagnosis=diagnosis).expected
    assert [c.id for c in found] == [cancer]
    assert found[0].named_by[0].source is None  # shown as the family's


@pytest.mark.parametrize(
    "diagnosis",
    ["Chondrosarcoma of the left femur", "Small cell lung cancer, extensive stage",
     "Diffuse large B-cell lymphoma of the breast"],
)  # fmt: skip
def test_a_cancer_outside_the_table_gets_no_questions_and_says_so(diagnosis: str) -> None:
    summary = summary_of(diagnosis=diagnosis)
    assert [c.covered for c in summary.expected] == [False]
    assert summary.expected[0].results == []
    assert expected_questions(summary) == []


def test_the_records_site_and_histology_name_the_cancer_with_their_page() -> None:
    cancer = assessed(
        "SURGICAL PATHOLOGY REPORT\nDIAGNOSIS:\n"
        "Lung, left upper lobe, wedge resection: Adenocarcinoma, acinar predominant.\n"
    )
    assert cancer.id == "nsclc"
    assert all(n.source is not None and n.source.page == 1 for n in cancer.named_by)


def test_a_small_cell_carcinoma_of_the_lung_is_not_given_the_nsclc_workup() -> None:
    summary = summary_of("DIAGNOSIS:\nLung, right hilum, FNA: Small cell carcinoma.\n")
    assert all(c.id != "nsclc" for c in summary.expected)


def test_no_diagnosis_at_all_gives_no_expected_results() -> None:
    assert summary_of("Lipid panel\nLDL: 120 mg/dL\n").expected == []


# --- breast --------------------------------------------------------------------------------------

SYNOPTIC_BREAST = """BREAST BIOMARKER REPORT
Specimen: Left breast, core biopsy
Estrogen Receptor (ER, clone SP1) ........ POSITIVE, 80%
Progesterone Receptor (PR, clone 1E2) .... NEGATIVE, <1%
HER-2/neu (clone 4B5) .................... 2+ (EQUIVOCAL)
Ki67 (MIB-1) ............................. 25%
FINAL HER2 STATUS: NEGATIVE by FISH (HER2/CEP17 ratio 1.3)
"""


def test_a_synoptic_breast_panel_with_dot_leaders_and_clones_gives_every_receptor() -> None:
    cancer = assessed(SYNOPTIC_BREAST, diagnosis="Invasive ductal carcinoma, left breast")
    got = status(cancer)
    assert got["er"] is got["pr"] is got["her2"] is got["ki67"] is FOUND
    pr = next(r for r in cancer.results if r.id == "pr")
    assert pr.values[0].value.startswith("negative")  # a negative result is a result


def test_a_final_her2_status_beside_an_equivocal_score_is_no_disagreement() -> None:
    summary = summary_of(SYNOPTIC_BREAST, diagnosis="Invasive ductal carcinoma")
    her2 = next(f for f in summary.facts if f.kind is FactKind.HER2)
    assert not her2.differ
    assert any(v.value.startswith("negative") for v in her2.values)


def test_a_receptor_not_performed_is_not_found_and_asked_in_the_centers_terms() -> None:
    summary = summary_of(
        "DIAGNOSIS:\nRight breast, lumpectomy: Invasive lobular carcinoma, grade 2.\n"
        "ER: Positive (100%).\nPR: not performed.\n"
    )
    cancer = summary.expected[0]
    assert status(cancer)["er"] is FOUND
    assert status(cancer)["pr"] is NOT_FOUND and status(cancer)["her2"] is NOT_FOUND
    questions = expected_questions(summary)
    assert "HER2 — no result is in these records. Was it tested?" in questions
    assert not any(q.startswith("Estrogen receptor") for q in questions)  # found: never asked
    her2 = next(r for r in cancer.results if r.id == "her2")
    assert her2.ask == (
        "Ask the breast oncologist whether HER2 was tested; if it was, ask for the report."
    )


def test_a_her2_fish_sent_out_is_pending_with_the_record_that_says_so() -> None:
    cancer = assessed(
        "DIAGNOSIS\nLeft breast, core biopsy: invasive ductal carcinoma.\n"
        "ER positive (90%). PR positive (20%). Ki-67: 12%.\n"
        "HER2 testing by FISH has been sent to the reference laboratory; an addendum will follow.\n"
    )
    her2 = next(r for r in cancer.results if r.id == "her2")
    assert her2.status is PENDING and her2.pending[0].path == "r0.pdf"
    assert her2.question == ""


def test_a_result_in_a_later_record_outweighs_the_earlier_records_pending() -> None:
    first = "DIAGNOSIS: Left breast, core biopsy: invasive ductal carcinoma.\nHER2 FISH pending.\n"
    later = "FISH REPORT\nHER2 ISH: NOT AMPLIFIED (ratio 1.1)\n"
    assert status(assessed(first, later))["her2"] is FOUND


def test_results_from_another_specimen_still_count() -> None:
    cancer = assessed(
        "ADDENDUM\nBiomarkers repeated on the axillary lymph node metastasis (block B1):\n"
        "ER positive (70%); PR positive (10%); HER2 negative (IHC 1+).\n",
        diagnosis="Left breast invasive ductal carcinoma",
    )
    assert status(cancer)["er"] is status(cancer)["her2"] is FOUND


def test_germline_brca_where_indicated_is_found_in_a_negative_panel_listing_its_genes() -> None:
    cancer = assessed(
        "GERMLINE GENETIC TESTING REPORT\nRESULT:\n"
        "NEGATIVE. No pathogenic or likely pathogenic variants identified.\n"
        "GENES ANALYZED:\nAPC, ATM, BRCA1, BRCA2, CHEK2, PALB2, TP53 and others.\n",
        diagnosis="Invasive ductal carcinoma of the right breast",
    )
    brca = next(r for r in cancer.results if r.id == "brca")
    assert brca.status is FOUND and brca.when == "where indicated"


# --- lung --------------------------------------------------------------------------------------


def test_an_outside_ngs_report_gives_each_lung_gene_and_pdl1_is_asked_when_absent() -> None:
    summary = summary_of(
        "COMPREHENSIVE GENOMIC PROFILING\nDiagnosis: Adenocarcinoma of the lung\n"
        "EGFR      L858R      Detected      VAF 31%\n"
        "ALK fusion: Not detected\nROS1 fusion: Not detected\nBRAF: No mutation detected\n"
        "KRAS: Wild-type\nMET exon 14 skipping: Not detected\nRET fusion: Not detected\n"
        "NTRK1/2/3 fusions: Not detected\n"
    )
    cancer = summary.expected[0]
    got = status(cancer)
    for gene in ("egfr", "alk", "ros1", "braf", "kras", "met", "ret", "ntrk"):
        assert got[gene] is FOUND, gene
    assert got["pdl1"] is NOT_FOUND
    assert "PD-L1 — no result is in these records. Was it tested?" in expected_questions(summary)


def test_molecular_profiling_sent_out_leaves_the_genes_pending() -> None:
    cancer = assessed(
        "DIAGNOSIS: Lung, left lower lobe, biopsy: Non-small cell carcinoma, favor squamous cell "
        "carcinoma.\nPD-L1 (22C3): TPS 80%.\nComprehensive genomic profiling is pending.\n"
    )
    got = status(cancer)
    assert got["pdl1"] is FOUND
    assert got["egfr"] is got["alk"] is got["ntrk"] is PENDING


def test_chest_imaging_is_found_from_an_imaging_reports_title() -> None:
    scan = _doc("CT CHEST WITH CONTRAST\nIMPRESSION: 3 cm mass.\n", "ct.pdf").model_copy(
        update={"category": Category.IMAGING, "title": "CT chest with contrast"}
    )
    path = _doc("DIAGNOSIS: Lung, RUL, biopsy: Adenocarcinoma.\n")
    cancer = clinical_summary([path, scan], [], []).expected[0]
    assert status(cancer)["chest_imaging"] is FOUND


# --- colorectal, prostate, melanoma ------------------------------------------------------------


def test_mmr_proteins_intact_or_msi_h_answer_the_colorectal_mmr_msi_question() -> None:
    intact = assessed(
        "Tumor Site: Cecum\nHistologic Type: Adenocarcinoma\n"
        "MLH1: Intact nuclear expression\nPMS2: Intact nuclear expression\n"
        "MSH2: Intact nuclear expression\nMSH6: Intact nuclear expression\n"
    )
    assert status(intact)["mmr_msi"] is FOUND
    msi = assessed("Microsatellite status: MSI-H", diagnosis="Colon adenocarcinoma")
    assert status(msi)["mmr_msi"] is FOUND
    dmmr = assessed("MMR status: dMMR (MLH1 and PMS2 lost)", diagnosis="Rectal adenocarcinoma")
    assert status(dmmr)["mmr_msi"] is FOUND


def test_a_prostate_biopsy_and_a_lab_table_give_gleason_and_psa() -> None:
    cancer = assessed(
        "DIAGNOSIS: Prostate, needle core biopsies: prostatic adenocarcinoma.\n"
        "Gleason score: 3+4=7\nGrade Group: 2\n",
        "LABS\nTest                 Result     Units\nPSA, total           8.2        ng/mL\n",
    )
    got = status(cancer)
    assert got["gleason"] is got["psa"] is FOUND
    assert got["germline"] is NOT_FOUND


def test_a_negative_braf_test_of_a_melanoma_is_found() -> None:
    cancer = assessed(
        "DIAGNOSIS: Skin, left upper back, excision: Malignant melanoma, Breslow 2.4 mm.\n"
        "BRAF V600 mutation analysis: NEGATIVE - no V600 mutation detected.\n"
    )
    assert cancer.id == "melanoma" and status(cancer)["braf"] is FOUND


# --- ovarian, pancreatic, gastric, endometrial, bladder ----------------------------------------


def test_ovarian_brca_and_hrd_read_from_a_tumour_report() -> None:
    cancer = assessed(
        "HRD status: POSITIVE (Genomic Instability Score 61)\n"
        "BRCA1: No pathogenic variant detected\nBRCA2: Pathogenic variant detected\n",
        diagnosis="High-grade serous ovarian cancer",
    )
    assert status(cancer)["brca"] is status(cancer)["hrd"] is FOUND


def test_a_pancreatic_germline_result_of_some_genes_asks_for_the_others() -> None:
    summary = summary_of(
        "Assessment: Pancreatic adenocarcinoma, head of pancreas.\n"
        "Germline testing: PALB2 pathogenic variant detected.\n"
    )
    germline = next(r for r in summary.expected[0].results if r.id == "germline")
    assert germline.status is NOT_FOUND and germline.missing == ["BRCA1", "BRCA2"]
    assert any(q.startswith("Germline testing (BRCA1/2, PALB2) — BRCA1, BRCA2") for q in
               expected_questions(summary))  # fmt: skip


def test_gastric_her2_pdl1_cps_and_mmr() -> None:
    cancer = assessed(
        "DIAGNOSIS:\nStomach, antrum, biopsy: Adenocarcinoma, intestinal type.\n"
        "HER2 IHC: score 0, negative.\nPD-L1 (22C3) Combined Positive Score (CPS): 8\n"
        "MMR: MLH1 lost, PMS2 lost, MSH2 retained, MSH6 retained (MMR deficient).\n"
    )
    got = status(cancer)
    assert cancer.id == "gastric" and got["her2"] is got["pdl1"] is got["mmr_msi"] is FOUND


def test_her2_is_not_asked_of_a_squamous_esophageal_cancer() -> None:
    cancer = assessed("DIAGNOSIS: Esophagus, mid, biopsy: Squamous cell carcinoma.\n")
    assert cancer.id == "esophageal" and "her2" not in status(cancer)


def test_endometrial_molecular_classification() -> None:
    cancer = assessed(
        "FINAL DIAGNOSIS:\nUterus, hysterectomy: Endometrioid adenocarcinoma of the endometrium.\n"
        "p53 immunostain: aberrant (mutant-type) pattern.\nMMR: dMMR (MSH2 and MSH6 lost).\n"
        "POLE sequencing has been sent to the reference laboratory.\n"
    )
    got = status(cancer)
    assert got["p53"] is got["mmr_msi"] is FOUND and got["pole"] is PENDING


def test_bladder_fgfr3_negative_is_found_and_pdl1_not_performed_is_not() -> None:
    cancer = assessed(
        "Diagnosis: Urothelial carcinoma of the bladder, muscle-invasive\n"
        "FGFR3 testing: no FGFR3 alterations detected.\n"
        "PD-L1 (SP142): not performed - insufficient tumor cells.\n"
    )
    got = status(cancer)
    assert got["fgfr3"] is FOUND and got["pdl1"] is NOT_FOUND


# --- in check and on the checklist ---------------------------------------------------------------


def _folder(tmp_path: Path, diagnosis: str, **records: str) -> Path:
    (tmp_path / "packet.toml").write_text(
        f'[patient]\nname = "Ana Example"\ndate_of_birth = 1961-04-02\ndiagnosis = "{diagnosis}"\n',
        encoding="utf-8",
    )
    for name, text in records.items():
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    return tmp_path


def _item(tmp_path: Path) -> tuple[ItemStatus, str, str]:
    report, _ = check_folder(tmp_path)
    item = next(i for i in report.checklist if i.id == "biomarkers")
    return item.status, item.detail, item.fix


PATHOLOGY = (
    "SURGICAL PATHOLOGY REPORT\nPatient: Ana Example   DOB: 04/02/1961\n"
    "Date of procedure: 02/10/2026\nFINAL DIAGNOSIS:\n"
    "Left breast, core biopsy: Invasive ductal carcinoma, grade 2.\n"
)


def test_receptors_inside_the_pathology_report_make_the_biomarkers_item_present(
    tmp_path: Path,
) -> None:
    text = (
        PATHOLOGY + "ER: positive (95%)\nPR: positive (40%)\nHER2: negative (IHC 1+)\nKi-67: 15%\n"
    )
    state, detail, _ = _item(_folder(tmp_path, "Breast cancer", path=text))
    assert state is ItemStatus.PRESENT and "HER2" in detail


def test_a_missing_her2_makes_the_item_missing_with_whom_to_ask(tmp_path: Path) -> None:
    text = PATHOLOGY + "ER: positive (95%)\nPR: positive (40%)\nKi-67: 15%\n"
    state, detail, fix = _item(_folder(tmp_path, "Breast cancer", path=text))
    assert state is ItemStatus.MISSING and "not found: HER2" in detail
    assert "Ask the breast oncologist whether HER2 was tested" in fix


def test_a_pending_her2_makes_the_item_pending(tmp_path: Path) -> None:
    text = PATHOLOGY + "ER: positive (95%)\nPR: positive (40%)\nKi-67: 15%\nHER2 FISH: pending.\n"
    state, _, _ = _item(_folder(tmp_path, "Breast cancer", path=text))
    assert state is ItemStatus.PENDING


def test_a_cancer_the_table_does_not_cover_needs_no_biomarkers(tmp_path: Path) -> None:
    state, detail, _ = _item(_folder(tmp_path, "Conventional chondrosarcoma of the femur"))
    assert state is ItemStatus.NOT_APPLICABLE and "does not cover" in detail


def test_check_json_carries_the_assessment(tmp_path: Path) -> None:
    text = PATHOLOGY + "ER: positive (95%)\n"
    report, _ = check_folder(_folder(tmp_path, "Breast cancer", path=text))
    data = report.model_dump(mode="json")["summary"]["expected"][0]
    assert data["id"] == "breast"
    assert {r["id"]: r["status"] for r in data["results"]}["er"] == "found"
    assert {r["id"]: r["status"] for r in data["results"]}["her2"] == "not_found"


def test_the_questions_page_asks_the_families_questions_first_then_what_is_not_found(
    tmp_path: Path,
) -> None:
    from pypdf import PdfReader

    from packet.build import BuildOptions, build_packet

    text = PATHOLOGY + "ER: positive (95%)\nPR: positive (40%)\nKi-67: 15%\nHER2 FISH: pending.\n"
    records = tmp_path / "records"
    records.mkdir()
    folder = _folder(records, "Breast cancer", path=text)
    (folder / "questions.md").write_text("- Is surgery the first step?\n", encoding="utf-8")
    out = tmp_path / "packet.pdf"
    build_packet(folder, BuildOptions(output=out))
    pages = [page.extract_text() for page in PdfReader(out).pages]
    questions = next(p for p in pages if "Questions for the second-opinion doctor" in p[:80])
    family = questions.index("Is surgery the first step?")
    asked = questions.index("Germline BRCA1/2 testing — no result is in these records")
    assert family < asked
    assert "Estrogen receptor" not in questions  # found: never asked
    assert "HER2 — pending" in questions
    front = "".join(p for p in pages if "Clinical summary" in p or "Questions for" in p)
    assert "path.txt" not in front and "packet.toml" not in front  # no caregiver file names
