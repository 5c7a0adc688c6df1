"""The merged timeline, and the consistency checks a clinician would make of it.

The caregiver's events and every dated record are put in date order. A caregiver's event and
a record of the same day and kind are one event: "Core needle biopsy, 2026-02-10" in
timeline.csv and the pathology report collected that day appear once, with the record.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from packet.formats.ccda import Facts
from packet.index import FolderIndex
from packet.models import (
    Category,
    Document,
    PartialDate,
    Problem,
    ProblemKind,
    Severity,
    TimelineEvent,
    TimelineType,
)

EVENT_TYPE: dict[Category, TimelineType] = {
    Category.PATHOLOGY: TimelineType.TEST,
    Category.BIOMARKERS: TimelineType.TEST,
    Category.IMAGING: TimelineType.TEST,
    Category.LABS: TimelineType.TEST,
    Category.OPERATIVE: TimelineType.SURGERY,
    Category.TREATMENT: TimelineType.TREATMENT,
    Category.CLINIC_NOTES: TimelineType.VISIT,
    Category.HOSPITAL: TimelineType.VISIT,
    Category.MEDICATIONS: TimelineType.OTHER,
    Category.OTHER: TimelineType.OTHER,
    Category.ADMINISTRATIVE: TimelineType.OTHER,
}

# Caregiver event types a record of each category can stand for on the same day.
MATCHES: dict[Category, frozenset[TimelineType]] = {
    Category.PATHOLOGY: frozenset(
        {TimelineType.TEST, TimelineType.DIAGNOSIS, TimelineType.SURGERY}
    ),
    Category.BIOMARKERS: frozenset({TimelineType.TEST, TimelineType.DIAGNOSIS}),
    Category.IMAGING: frozenset({TimelineType.TEST}),
    Category.LABS: frozenset({TimelineType.TEST}),
    Category.OPERATIVE: frozenset({TimelineType.SURGERY}),
    Category.TREATMENT: frozenset({TimelineType.TREATMENT}),
    Category.CLINIC_NOTES: frozenset({TimelineType.VISIT, TimelineType.DIAGNOSIS}),
    Category.HOSPITAL: frozenset({TimelineType.VISIT}),
    Category.MEDICATIONS: frozenset(),
    Category.OTHER: frozenset(),
    Category.ADMINISTRATIVE: frozenset(),
}

NEAR = timedelta(days=14)  # how far apart an event and its record may be dated


def _day(event: TimelineEvent) -> date | None:
    d = event.date
    return date(d.year, d.month, d.day) if d.month and d.day else None


def merged_timeline(index: FolderIndex) -> list[TimelineEvent]:
    caregivers = [e.model_copy(deep=True) for e in index.caregiver.timeline]
    by_day: dict[date, list[TimelineEvent]] = {}
    for event in caregivers:
        day = _day(event)
        if day is not None:
            by_day.setdefault(day, []).append(event)
    events = list(caregivers)
    for doc in sorted(index.included, key=lambda d: (d.date or date.min, d.path)):
        if doc.date is None or doc.category is Category.ADMINISTRATIVE:
            continue  # insurance and billing papers are not events of the illness
        # The caregiver's event of that day and kind; one still without a record first.
        candidates = [e for e in by_day.get(doc.date, []) if e.type in MATCHES[doc.category]]
        same_day = next((e for e in candidates if not e.documents), None) or next(
            iter(candidates), None
        )
        if same_day is not None:
            same_day.documents.append(doc.path)
            continue
        events.append(
            TimelineEvent(
                date=PartialDate.of(doc.date),
                type=EVENT_TYPE[doc.category],
                description=doc.title,
                source=doc.path,
                documents=[doc.path],
            )
        )
    included = {d.path for d in index.included}
    for path, facts in sorted(index.facts.items()):
        if path not in included:
            continue
        for day, kind, description in coded_events(facts):
            if any(e.description.lower() == description.lower() and _day(e) == day for e in events):
                continue
            events.append(
                TimelineEvent(
                    date=PartialDate.of(day),
                    type=kind,
                    description=description,
                    source=path,
                    documents=[path],
                )
            )
    # The caregiver's events before records on the same day; then by description, for a stable order.
    return sorted(
        events,
        key=lambda e: (e.date.sort_key, not e.source.startswith("timeline.csv"), e.description),
    )


# A coded procedure named as an operation is a surgery, a biopsy a test; any other may be a
# scan, a test or an operation: "other" claims none of them.
CODED_EVENT_TYPES = {
    "visit": TimelineType.VISIT,
    "surgery": TimelineType.SURGERY,
    "biopsy": TimelineType.TEST,
    "result": TimelineType.TEST,
}


def coded_events(facts: Facts) -> list[tuple[date, TimelineType, str]]:
    """A C-CDA's coded procedures and visits, its oncology results one by one ("PSA 6.2
    ng/mL") and its other results as one event a day ("Lab results: CBC panel; lipid panel")."""
    found = [
        (
            date.fromisoformat(e.day),
            CODED_EVENT_TYPES.get(e.kind, TimelineType.OTHER),
            e.description,
        )
        for e in facts.events
    ]
    panels: dict[str, list[str]] = {}
    for result in facts.results:
        if not result.day:
            continue
        if result.oncology:
            found.append(
                (date.fromisoformat(result.day), TimelineType.TEST, f"{result.name} {result.value}")
            )
        else:
            named = panels.setdefault(result.day, [])
            if (result.panel or result.name) not in named:
                named.append(result.panel or result.name)
    for day, names in panels.items():
        shown = "; ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
        found.append((date.fromisoformat(day), TimelineType.TEST, f"Lab results: {shown}"))
    return found


_BIOPSY = re.compile(r"\b(biops\w*|fna|fine needle|core needle|aspirat\w*|excision)\b", re.I)
_SCAN = re.compile(
    r"\b(ct|cat scan|mri|pet|mammo\w*|ultrasound|sonogra\w*|x-?ray|scan|bone scan|imaging|dexa|echo\w*)\b",
    re.I,
)


def _near(
    docs: list[Document], category: Category, day: date | None, after: timedelta = NEAR
) -> bool:
    """A record of that category dated within two weeks of the day (or after it, for reports
    that take longer). Undated records count: packet cannot tell, so it does not nag."""
    for doc in docs:
        if doc.category is not category:
            continue
        if doc.date is None or day is None or day - NEAR <= doc.date <= day + after:
            return True
    return False


def consistency_problems(index: FolderIndex) -> list[Problem]:
    """What the timeline says happened but the folder has no record of."""
    docs = index.included
    statuses = index.caregiver.settings.checklist
    problems = []

    def marked(item: str) -> bool:
        entry = statuses.get(item)
        return entry is not None and entry.status is not None

    def add(message: str, fix: str) -> None:
        problems.append(
            Problem(
                path="timeline.csv",
                kind=ProblemKind.CONSISTENCY,
                severity=Severity.WARNING,
                message=message,
                fix=fix,
            )
        )

    for event in index.caregiver.timeline:
        day = _day(event)
        when = str(event.date)
        if (
            event.type is TimelineType.SURGERY
            and not marked("operative")
            and not _near(docs, Category.OPERATIVE, day)
        ):
            add(
                f"The timeline has a surgery on {when} ('{event.description}') but there is no operative note near that date.",
                "Ask the surgeon's office or hospital records for the operative report of that surgery.",
            )
        if (
            _BIOPSY.search(event.description)
            and event.type in (TimelineType.TEST, TimelineType.SURGERY, TimelineType.OTHER)
            and not marked("pathology")
            and not _near(docs, Category.PATHOLOGY, day, after=timedelta(days=30))
        ):
            add(
                f"The timeline has a biopsy on {when} ('{event.description}') but no pathology report from then.",
                "Ask the pathology department for the report of that biopsy (and the slides for the center).",
            )
        if (
            event.type is TimelineType.TEST
            and _SCAN.search(event.description)
            and not _BIOPSY.search(event.description)
            and not marked("imaging")
            and not _near(docs, Category.IMAGING, day)
        ):
            add(
                f"The timeline has a scan on {when} ('{event.description}') but no imaging report near that date.",
                "Ask the imaging center for the radiologist's report of that scan.",
            )
    treatments = [e for e in index.caregiver.timeline if e.type is TimelineType.TREATMENT]
    if (
        treatments
        and not marked("treatment")
        and not any(d.category is Category.TREATMENT for d in docs)
    ):
        first = min(treatments, key=lambda e: e.date.sort_key)
        add(
            f"The timeline says treatment started ({first.date}: '{first.description}') but there are no treatment records.",
            "Ask the infusion or radiation center for a treatment summary (drugs, doses, dates, changes).",
        )
    for study in index.studies:
        if study.report is None:
            problems.append(
                Problem(
                    path=study.folder,
                    kind=ProblemKind.CONSISTENCY,
                    severity=Severity.WARNING,
                    message=f"The scan disc has a {study.modality} study of {study.date or 'unknown date'} "
                    f"('{study.description}') but no imaging report of that date was found.",
                    fix="Ask the imaging center for the report of that study.",
                )
            )
    return problems
