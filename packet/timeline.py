"""The merged timeline: the caregiver's events and every dated record, in date order."""

from __future__ import annotations

from packet.index import FolderIndex
from packet.models import Category, PartialDate, TimelineEvent, TimelineType

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
}


def merged_timeline(index: FolderIndex) -> list[TimelineEvent]:
    events = list(index.caregiver.timeline)
    for doc in index.included:
        if doc.date is None:
            continue
        events.append(
            TimelineEvent(
                date=PartialDate.of(doc.date),
                type=EVENT_TYPE[doc.category],
                description=doc.title,
                source=doc.path,
                document=doc.path,
            )
        )
    # Caregiver events before records on the same day; then by description for a stable order.
    return sorted(events, key=lambda e: (e.date.sort_key, e.document is not None, e.description))
