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
