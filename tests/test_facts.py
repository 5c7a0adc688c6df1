"""The clinical summary's facts: read where a report states a result, never from an explanation,
a condition or the history."""

from __future__ import annotations

import sys
from pathlib import Path

from packet.facts import extract
from packet.models import DocumentOut, DocumentStatus, Fact, FactKind, FileKind
from packet.summary import clinical_summary

sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
from facts import FOLDER, expected_of, pages_of


def found(text: str) -> set[tuple[str, str]]:
    return {(f.kind.value, f.value) for f in extract(text.split("\f"))}


def test_a_results_table_gives_receptors_her2_and_ki67_with_their_page() -> None:
    facts = extract(
        [
            "BREAST MARKERS\nEstrogen Receptor (ER)   Positive   90%\n"
            "Progesterone Receptor (PR)   Negative   <1%\nHER2 (IHC)   2+ equivocal\nKi-67: 30%",
            "ISH\nHER2/CEP17 ratio: 2.6\nResult: HER2 AMPLIFIED",
        ]
    )
    got = {(f.kind, f.value, f.page) for f in facts}
    assert (FactKind.ER, "positive (90%)", 1) in got
    assert (FactKind.PR, "negative (<1%)", 1) in got
    assert (FactKind.HER2, "equivocal (IHC 2+)", 1) in got
    assert (FactKind.HER2, "amplified (ISH ratio 2.6)", 2) in got
    assert (FactKind.KI67, "30%", 1) in got


def test_criteria_explanations_and_conditions_state_nothing() -> None:
    assert not found(
        "HER2 3+ is considered positive; 2+ cases are reflexed to ISH.\n"
        "ER is reported as positive when 1% or more of nuclei stain.\n"
        "If HER2 positive, consider trastuzumab.\n"
        "Stage II breast cancer means the tumor has reached nearby nodes."
    )


def test_history_family_and_waiting_results_state_nothing() -> None:
    assert not found(
        "FAMILY HISTORY:\nSister with breast cancer, ER positive, HER2 negative.\n"
        "PAST MEDICAL HISTORY:\nStage II colon cancer, pT3 pN0, treated in 2015.\n"
        "RESULTS:\nKi-67: pending\nHER2 FISH: to follow in an addendum"
    )


def test_toxicity_grades_and_other_diseases_stages_are_not_the_cancers() -> None:
    assert not found("Grade 3 neutropenia.\nChronic kidney disease stage 3.\nStage II: 50.5")


def test_a_diagnosis_line_under_its_site_gives_site_and_histology() -> None:
    got = found(
        "FINAL DIAGNOSIS:\nA. Left breast, core biopsy:\n"
        "- Invasive lobular carcinoma, Nottingham grade 2 (score 6/9).\n"
        "B. Axillary lymph node: metastatic carcinoma."
    )
    assert ("primary_site", "left breast") in got
    assert ("histology", "invasive lobular carcinoma") in got
    assert ("grade", "2 (Nottingham score 6)") in got
    assert not any(kind == "primary_site" and "node" in value for kind, value in got)


def test_gene_results_are_read_clause_by_clause() -> None:
    got = found("KRAS G12C detected; EGFR, ALK and ROS1 not detected.\nPD-L1 (22C3) TPS: 50%")
    assert got == {
        ("kras", "G12C detected"),
        ("egfr", "not detected"),
        ("alk", "not detected"),
        ("ros1", "not detected"),
        ("pdl1", "TPS 50%"),
    }


def test_precision_on_the_authored_reports_is_at_least_98_percent() -> None:
    right = wrong = 0
    for part in ("tuned", "held_out"):
        for report in sorted((FOLDER / part).glob("*.txt")):
            want = expected_of(report)
            got = {(f.kind.value, f.value.casefold()) for f in extract(pages_of(report))}
            right += len(got & want)
            wrong += len(got - want)
    assert right / (right + wrong) >= 0.98, (right, wrong)


def _doc(path: str, *facts: Fact) -> DocumentOut:
    return DocumentOut(
        path=path,
        kind=FileKind.PDF,
        category="pathology",
        date=None,
        title=path,
        pages=1,
        status=DocumentStatus.INCLUDED,
        reason="",
        duplicate_of=None,
        evidence=[],
        facts=list(facts),
    )


def test_the_summary_shows_both_values_when_records_disagree_and_chooses_none() -> None:
    her2 = FactKind.HER2
    documents = [
        _doc("biopsy.pdf", Fact(kind=her2, value="negative (IHC 1+)")),
        _doc("outside review.pdf", Fact(kind=her2, value="positive (IHC 3+)")),
        _doc("note.pdf", Fact(kind=FactKind.ER, value="positive")),
        _doc("path.pdf", Fact(kind=FactKind.ER, value="positive (95%)")),
    ]
    summary = clinical_summary(documents, [], [])
    facts = {f.kind: f for f in summary.facts}
    assert [v.value for v in facts[her2].values] == ["negative (IHC 1+)", "positive (IHC 3+)"]
    assert facts[her2].differ
    assert not facts[FactKind.ER].differ  # a detail more is not a disagreement
    assert facts[FactKind.HISTOLOGY].values == []  # shown as "not found in the records"


def tnm(text: str) -> list[tuple[str, str]]:
    return [(f.value, f.quote) for f in extract(text.split("\f")) if f.kind is FactKind.TNM]


def test_t_and_n_on_separate_lines_are_one_staging_cited_at_the_t() -> None:
    assert tnm(
        "FINAL DIAGNOSIS:\n"
        " A. Residual invasive ductal carcinoma, 1.1 cm (ypT1c), margins negative (closest 4 mm).\n"
        " B. One of three sentinel lymph nodes with metastatic carcinoma, 3 mm (ypN1a)."
    ) == [
        (
            "ypT1c ypN1a",
            "A. Residual invasive ductal carcinoma, 1.1 cm (ypT1c), margins negative (closest 4 mm).",
        )
    ]


def test_a_synoptic_reports_category_lines_are_one_staging() -> None:
    got = tnm(
        "PATHOLOGIC STAGE CLASSIFICATION (pTNM, AJCC 8th Edition)\n"
        "Primary Tumor (pT): pT2\n"
        "Regional Lymph Nodes (pN): pN0\n"
        "Distant Metastasis (pM): Not applicable"
    )
    assert [value for value, _ in got] == ["pT2 pN0"]


def test_a_category_the_synoptic_line_defines_after_it_is_still_its_value() -> None:
    got = tnm(
        "Primary Tumor (pT): pT1c: Tumor > 10 mm but <= 20 mm\nRegional Lymph Nodes (pN): pN1a"
    )
    assert [value for value, _ in got] == ["pT1c pN1a"]


def test_a_t_with_no_n_in_the_record_is_given_alone() -> None:
    assert [value for value, _ in tnm("Pathologic stage: pT3a\nMargins: negative")] == ["pT3a"]


def test_each_prefix_is_its_own_staging_and_the_clinical_m_joins_the_pathologic() -> None:
    got = tnm("Pathologic staging:\nPrimary tumour: pT2\nRegional nodes: pN1a\nClinical: cM0")
    assert [value for value, _ in got] == ["pT2 pN1a cM0"]
    got = tnm("Clinical stage: cT2 cN1 M0\nResidual tumour (ypT1c)\nNodes (ypN0)")
    assert {value for value, _ in got} == {"cT2 cN1 M0", "ypT1c ypN0"}


def test_an_mri_t2_weighted_sequence_and_bare_categories_are_not_staging() -> None:
    assert not tnm(
        "MRI BREAST\nFINDINGS: T2-weighted images show a 2 cm mass, T1 hypointense.\n"
        "N1 station not enlarged. T2 signal in the spine at T12."
    )


def test_a_legend_of_categories_states_no_staging() -> None:
    assert not tnm(
        "pT categories\npT1: tumor <= 20 mm in greatest dimension\npT2: tumor > 20 mm\n"
        "pN1 = metastases in 1-3 axillary nodes\n"
        "pT1 tumor <= 20 mm; pT2 tumor > 20 mm; pT3 tumor > 50 mm"
    )


def test_a_staging_in_the_history_or_a_relatives_states_nothing() -> None:
    assert not tnm(
        "PAST MEDICAL HISTORY:\nColon cancer, pT3\npN0\n"
        "IMPRESSION:\nHer sister's tumour was pT2 at surgery in 2019."
    )


def test_ocrs_letter_o_for_zero_is_read_in_a_staging_and_nowhere_else() -> None:
    assert found("Pathologic stage: pT2 pNO") == {("tnm", "pT2 pN0")}
    assert found("pT1 NO MX") == {("tnm", "pT1 N0 MX")}
    assert found("Primary tumor (pT): pT2\nRegional lymph nodes (pN): pNO") == {("tnm", "pT2 pN0")}
    assert found("T2 NO evidence of disease on the T2-weighted images.") == set()


def test_a_gleason_score_is_read_in_its_usual_forms_and_only_when_it_adds_up() -> None:
    assert found("Gleason's score 9 (5+4). The tumor extends") == {("gleason", "5+4=9")}
    assert found("Gleason patterns 4+5=9") == {("gleason", "4+5=9")}
    assert found("Gleason score 7 (3 + 4)") == {("gleason", "3+4=7")}
    assert found("Gleason score 8 (3+4)") == set()  # a total its patterns do not make


def test_us_synoptic_receptor_lines_give_the_share_of_cells() -> None:
    assert found("Estrogen receptor: 95% positive cells, strong intensity") == {
        ("er", "positive (95%)")
    }
    assert found("Progesterone receptor (PR): 0% of tumor cells staining") == {
        ("pr", "negative (0%)")
    }
    block = (
        "Estrogen Receptor (ER): Positive\n"
        "Percentage of cells with nuclear positivity: 91-100%\n"
        "Average intensity of staining: Strong\n"
        "Allred score: 8\n"
        "Progesterone Receptor (PgR): Positive\n"
        "Percentage of cells with nuclear positivity: 11-20%\n"
    )
    assert found(block) == {("er", "positive (91-100%)"), ("pr", "positive (11-20%)")}


def test_a_list_of_stains_ordered_is_never_a_result() -> None:
    assert found("IMMUNOSTAINS: ER-C. PR-C. HER2-. NEG CONT.") == set()
    assert found("Stains ordered: ER-C, PR-C, HER2-C, Ki67-C") == set()
    assert found("HER2 (IHC): negative (1+)") == {("her2", "negative (IHC 1+)")}


def test_a_kidney_cancers_subtype_and_side_are_kept() -> None:
    assert found(
        "DIAGNOSIS: Kidney, left, radical nephrectomy: Chromophobe renal cell carcinoma, 5.2 cm."
    ) == {("histology", "chromophobe renal cell carcinoma"), ("primary_site", "left kidney")}
    assert ("histology", "clear cell renal cell carcinoma") in found(
        "FINAL DIAGNOSIS:\nKidney, right, partial nephrectomy: Renal cell carcinoma, clear cell "
        "type, WHO/ISUP grade 2."
    )
    assert ("histology", "papillary renal cell carcinoma") in found(
        "DIAGNOSIS:\nA. Kidney, left, radical nephrectomy:\n- Papillary renal cell carcinoma"
    )


def test_a_cancer_named_with_its_place_outside_a_diagnosis_block_gives_both() -> None:
    assert found("58-year-old man with adenocarcinoma of the sigmoid colon (biopsy, June).") == {
        ("histology", "adenocarcinoma"),
        ("primary_site", "sigmoid colon"),
    }
    assert found("Dx: Right breast invasive ductal carcinoma, grade 2.") >= {
        ("histology", "invasive ductal carcinoma"),
        ("primary_site", "right breast"),
    }
    # a general explanation, an indication, and an organ without its side or lobe: nothing
    assert found("Adenocarcinoma of the lung is found in about 40% of patients.") == set()
    assert found("Indication: staging of adenocarcinoma of the rectum.") == set()
    assert ("primary_site", "lung") not in found("Staging of newly diagnosed lung adenocarcinoma")


def test_a_specimen_label_names_the_primary_site_only_of_a_primary_cancer() -> None:
    report = (
        "SPECIMEN: Lung, right lower lobe, core needle biopsy\n"
        "FINAL DIAGNOSIS:\nInvasive adenocarcinoma, acinar predominant.\n"
    )
    assert ("primary_site", "right lower lobe of lung") in found(report)
    metastasis = report.replace("Invasive adenocarcinoma", "Adenocarcinoma, metastatic to lung")
    assert not {k for k, _ in found(metastasis)} & {"primary_site"}
    assert found("Specimen: Liver, core biopsy\nDIAGNOSIS: adenocarcinoma") == {
        ("histology", "adenocarcinoma")
    }


def test_a_grade_group_legend_and_another_patients_case_state_nothing() -> None:
    legend = "Grade Group legend (reference only): GG1 = 3+3=6; GG2 = 3+4=7; GG3 = 4+3=7; GG4 = 8"
    assert found("Prostate, left base: benign prostatic tissue.\n" + legend) == set()
    board = (
        "Patient of record: SAAVEDRA, HUGO    MRN 661209\n"
        "Summary: right upper lobe adenocarcinoma. Staging cT2a cN2 M0, stage IIIA.\n"
        "Also discussed (other patient, MRN 702215): LLL adenocarcinoma, stage IVB.\n"
    )
    assert ("stage", "IVB") not in found(board)
    assert ("primary_site", "left lower lobe of lung") not in found(board)


def test_ocrs_letters_for_digits_in_a_variant_and_a_word_are_mended() -> None:
    assert ("braf", "V600E detected") in found("RESULT:  BRAF V6OOE  (c.l799T>A): DETECTED")
    assert ("histology", "clear cell renal cell carcinoma") in found(
        "DX:  RENAL CELL CARCIN0MA, C1EAR CELL TYPE, 4.6 cm, confined to kidney."
    )
