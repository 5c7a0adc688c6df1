"""The opinions side by side: each field of each doctor's plan, and whether the plans differ."""

from __future__ import annotations

from dataclasses import dataclass

from packet.caregiver import Opinion

FIELDS: tuple[tuple[str, str], ...] = (
    ("date", "Date given"),
    ("diagnosis", "Diagnosis and cancer type"),
    ("stage", "Stage; is staging complete?"),
    ("goal", "Goal of treatment"),
    ("treatment_sequence", "Recommended sequence"),
    ("expected_benefits", "Expected benefits"),
    ("risks", "Major risks and side effects"),
    ("start_by", "When treatment must start"),
    ("tests_used", "Tests and records relied on"),
    ("would_change_plan", "What would change the plan"),
)
NOT_STATED = "not stated — ask"


@dataclass(frozen=True)
class ComparisonRow:
    field: str
    label: str
    values: list[str]  # one per opinion; empty when the doctor did not state it
    differ: bool  # the stated values are not all the same (a blank beside a value counts)


def doctors(opinions: list[Opinion]) -> list[str]:
    return [o.doctor or f"Opinion {n}" for n, o in enumerate(opinions, start=1)]


def compare(opinions: list[Opinion]) -> list[ComparisonRow]:
    rows = []
    for key, label in FIELDS:
        values = [str(getattr(o, key, "") or "").strip() for o in opinions]
        if key == "date" and not any(values):
            continue
        normalized = {" ".join(v.lower().split()).rstrip(".") for v in values}
        # Opinions given on different days are not a disagreement: the date is never marked.
        differ = key != "date" and len(opinions) > 1 and len(normalized) > 1
        rows.append(ComparisonRow(key, label, values, differ=differ))
    return rows
