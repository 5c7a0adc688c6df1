"""The clinical summary an oncologist reads first: primary site, histology, grade, biomarkers and
stage as the records state them, each with its source, TNM as a series of stagings (a row per
prefix, the newest pathologic first); the key dates; and the places that hold records ("Care so
far"). Where records disagree every value is shown with its sources: packet reports, it never
chooses.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from packet.caregiver import TIMELINE_CSV
from packet.expected import assess
from packet.facts import tnm_prefix
from packet.models import (
    FACT_LABELS,
    CarePlace,
    Category,
    ClinicalSummary,
    DiagnosisSource,
    DocumentOut,
    DocumentStatus,
    FactKind,
    FactSource,
    FactValue,
    ImagingStudy,
    KeyDate,
    SummaryFact,
    TimelineEvent,
    TimelineType,
    UnreadSource,
    record_order,
)
from packet.provenance import care_so_far, institution_key

# Always asked, so always shown ("not found in the records" when absent); the others only when found.
CORE = (FactKind.PRIMARY_SITE, FactKind.HISTOLOGY, FactKind.GRADE, FactKind.STAGE, FactKind.TNM)
NOT_CLINICAL = (Category.ADMINISTRATIVE,)
# Records that state no diagnosis or stage: a scanned medication list read in part misses none.
LISTS = (Category.LABS, Category.MEDICATIONS)
# Staged and measured again over time (clinical, then pathologic; PSA after PSA): values that
# differ without any disagreement.
SERIES = (FactKind.PSA, FactKind.TNM)
# TNM is a series of stagings, one row each, the newest pathologic first: a recurrence's, the
# pathologic after therapy, the pathologic, the clinical after therapy, the clinical; then a
# value written without its prefix. The label's last brackets are its short name ("ypTNM").
TNM_ROWS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("r", "rp", "rc"), "TNM, recurrence (rTNM)"),
    (("yp",), "TNM, post-therapy pathologic (ypTNM)"),
    (("p",), "TNM, pathologic (pTNM)"),
    (("yc",), "TNM, post-therapy clinical (ycTNM)"),
    (("c",), "TNM, clinical (cTNM)"),
    (("",), FACT_LABELS[FactKind.TNM]),
)


def _fold(value: str) -> str:
    return " ".join(value.casefold().split())


def _source(doc: DocumentOut, page: int = 1, quote: str = "") -> FactSource:
    return FactSource(path=doc.path, page=page, title=doc.title, date=doc.date, quote=quote)


def _facts(documents: list[DocumentOut]) -> list[SummaryFact]:
    found: dict[FactKind, dict[str, FactValue]] = {}
    for doc in documents:
        for fact in doc.facts:
            values = found.setdefault(fact.kind, {})
            key = _fold(fact.value)
            if key not in values:
                values[key] = FactValue(value=fact.value, sources=[])
            if not any(s.path == doc.path for s in values[key].sources):
                values[key].sources.append(_source(doc, fact.page, fact.quote))
    pathology = {d.path for d in documents if d.category is Category.PATHOLOGY}
    facts: list[SummaryFact] = []
    for kind in FactKind:
        given = list(found.get(kind, {}).values())
        if kind is FactKind.TNM:
            facts += _staging(given, pathology)
        elif given or kind in CORE:
            facts.append(
                SummaryFact(
                    kind=kind, label=FACT_LABELS[kind], values=given, differ=_differ(kind, given)
                )
            )
    return facts


def _staging(values: list[FactValue], pathology: set[str]) -> list[SummaryFact]:
    """The TNM values as a series, a row per prefix (`TNM_ROWS`). In a row a pathology report's
    own staging comes before one a note repeats ("pT2 pN1a" in a progress note), then the
    newest record first; so do each value's sources. One plain row when none is found."""

    def rank(source: FactSource) -> tuple[bool, int]:  # undated after every date
        return source.path not in pathology, -source.date.toordinal() if source.date else 1

    def order(value: FactValue) -> tuple[bool, int]:
        return min(rank(s) for s in value.sources)

    rows = []
    for prefixes, label in TNM_ROWS:
        row = [
            FactValue(value=v.value, sources=sorted(v.sources, key=rank))
            for v in values
            if tnm_prefix(v.value) in prefixes
        ]
        if row:
            # within one kind of staging, two records' different values are a disagreement
            ordered = sorted(row, key=order)
            rows.append(
                SummaryFact(
                    kind=FactKind.TNM, label=label, values=ordered, differ=_disagree(ordered)
                )
            )
    return rows or [SummaryFact(kind=FactKind.TNM, label=FACT_LABELS[FactKind.TNM])]


def _differ(kind: FactKind, values: list[FactValue]) -> bool:
    """Records disagree: two values, not all read from one record (a biopsy's several cores, an
    IHC score beside its ISH result), and not a measure that moves over time (PSA)."""
    if kind is FactKind.HER2:  # an equivocal IHC score is what an ISH test then settles
        values = [v for v in values if not v.value.startswith("equivocal")] or values
    return kind not in SERIES and _disagree(values)


def _disagree(values: list[FactValue]) -> bool:
    if len(values) < 2:
        return False
    # "positive (95%)" and "positive" agree: the verdict is compared, not its detail
    verdicts = {_fold(v.value.split(" (")[0]) for v in values}
    per_value = [{s.path for s in v.sources} for v in values]
    return len(verdicts) > 1 and len(set().union(*per_value)) > 1


def _first_of(documents: list[DocumentOut], category: Category) -> DocumentOut | None:
    dated = [d for d in documents if d.category is category and d.date and d.filed_by_content]
    return min(dated, key=lambda d: (d.date, d.path)) if dated else None


def _dates(documents: list[DocumentOut], timeline: list[TimelineEvent]) -> list[KeyDate]:
    dates: list[KeyDate] = []
    family = [e for e in timeline if e.source.startswith(TIMELINE_CSV)]

    def from_family(kind: TimelineType, label: str, first_only: bool) -> None:
        events = sorted((e for e in family if e.type is kind), key=lambda e: e.date.sort_key)
        for event in events[:1] if first_only else events:
            dates.append(KeyDate(label=label, date=f"{event.date} — {event.description}"))

    def from_record(doc: DocumentOut | None, label: str) -> None:
        if doc is not None and doc.date:
            dates.append(KeyDate(label=label, date=doc.date.isoformat(), source=_source(doc)))

    from_record(_first_of(documents, Category.PATHOLOGY), "Diagnosis (first pathology)")
    from_family(TimelineType.DIAGNOSIS, "Diagnosis (the family's timeline)", first_only=True)
    for doc in documents:
        if doc.category is Category.OPERATIVE and doc.filed_by_content:
            from_record(doc, "Surgery")
    if not any(d.label == "Surgery" for d in dates):
        from_family(TimelineType.SURGERY, "Surgery (the family's timeline)", first_only=False)
    from_record(_first_of(documents, Category.TREATMENT), "Treatment began")
    from_family(TimelineType.TREATMENT, "Treatment began (the family's timeline)", first_only=True)
    return dates


def _care(documents: list[DocumentOut], studies: list[ImagingStudy]) -> list[CarePlace]:
    # a letterhead read from a record that says what it is; a page filed by its name alone
    # ("directions to the clinic") names no place of care
    places = [(d.institution, d.mrn, d.date) for d in documents if d.filed_by_content]
    places += [(s.institution, "", s.date) for s in studies]
    scans = Counter(institution_key(s.institution) for s in studies if s.institution)
    return [
        CarePlace(
            name=p.name,
            mrns=p.mrns,
            first=p.first,
            last=p.last,
            records=p.records - scans[institution_key(p.name)],
            studies=scans[institution_key(p.name)],
        )
        for p in care_so_far(places)
    ]


def clinical_summary(
    documents: list[DocumentOut],
    timeline: list[TimelineEvent],
    studies: list[ImagingStudy],
    diagnosis: str = "",
    coded: Sequence[DiagnosisSource] = (),
) -> ClinicalSummary:
    """The summary of the records that go into the packet. `diagnosis`: the family's, which
    with the records' site and histology (and `coded`, the problems a health summary codes)
    names the cancer whose expected results are looked for."""
    included = record_order(
        d
        for d in documents
        if d.status is DocumentStatus.INCLUDED and d.category not in NOT_CLINICAL
    )
    facts = _facts(included)
    return ClinicalSummary(
        facts=facts,
        expected=assess(facts, included, diagnosis, coded),
        read_in_part=[
            UnreadSource(**_source(d).model_dump(), unread=d.unread, pages=max(1, d.pages))
            for d in included
            if d.unread is not None and d.category not in LISTS
        ],
        dates=_dates(included, timeline),
        care=_care(included, studies),
    )
