"""What to ask for, and of whom: the request letters `packet request` writes, planned from what
the folder's records say (institutions, accession numbers, exams and their dates, the
timeline's surgeries) and from packet.toml; and the tracker of what was asked and when.

Every institution a letter is addressed to is named by the patient's own records or by
packet.toml; an address is the letterhead's or packet.toml's, never a guess. Other patients'
records are not in `index.included`, so no letter can name them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Iterator

from pydantic import BaseModel, Field

from packet.caregiver import InstitutionEntry, PacketSettings, Tracked
from packet.checklist import CHECKLIST, without_scans
from packet.index import FolderIndex
from packet.models import (
    Category,
    Document,
    ItemStatus,
    PartialDate,
    Report,
    RequestKind,
    TimelineEvent,
    TimelineType,
    TrackedRequest,
)
from packet.provenance import institution_key

ANSWER_WITHIN = dt.timedelta(days=30)  # 45 CFR 164.524(b)(2): act on a request within 30 days

DEPARTMENTS: dict[RequestKind, str] = {
    RequestKind.SLIDES: "Pathology Department",
    RequestKind.RECORDS: "Health Information Management (Medical Records)",
    RequestKind.IMAGING: "Radiology Department (Image Library)",
}
# The checklist item each kind of letter answers, for the tracker's lines in `check`.
KIND_ITEM: dict[RequestKind, str] = {
    RequestKind.SLIDES: "slides",
    RequestKind.IMAGING: "imaging_files",
}
# How the tracker names a letter: "slides and blocks from Lakeside Medical Center".
KIND_WORDS: dict[RequestKind, str] = {
    RequestKind.SLIDES: "slides and blocks",
    RequestKind.RECORDS: "records",
    RequestKind.IMAGING: "images on disc",
}
# Checklist items a records office can send (medications, timeline and questions are the
# family's own to write).
RECORD_ITEMS = ("pathology", "imaging", "operative", "clinic_notes", "biomarkers", "treatment")
DONE = (ItemStatus.PRESENT, ItemStatus.SENT_SEPARATELY, ItemStatus.NOT_APPLICABLE)

BIOPSY_OR_SURGERY = re.compile(
    r"\b(biops\w*|excision\w*|resection\w*|lumpectom\w*|mastectom\w*|ectomy|\w+ectomy|"
    r"surgery|operation|fna|aspiration|cytology)\b",
    re.IGNORECASE,
)
AN_EXAM = re.compile(
    r"\b(ct|cat scan|mri|pet|pet/ct|mammogra\w*|ultrasound|sonogra\w*|us|x-ray|xray|"
    r"radiograph\w*|bone scan|scan|imaging)\b",
    re.IGNORECASE,
)


class Recipient(BaseModel):
    """Whom a letter goes to. An empty institution is a line for the family to fill in."""

    institution: str = ""
    department: str
    address: str = ""
    phone: str = ""
    fax: str = ""
    mrns: list[str] = Field(default_factory=list)  # the numbers it files the patient under


class Asked(BaseModel):
    """One thing a letter asks for: a document, a case's slides, an exam's images."""

    what: str
    when: str = ""  # as the letter prints it: "February 10, 2026", "January 2026"
    when_label: str = "Date"  # "Collected", "Exam date"
    details: list[str] = Field(default_factory=list)  # "Specimen: Left breast, core biopsy"


class Letter(BaseModel):
    kind: RequestKind
    recipient: Recipient
    asked: list[Asked]
    items: list[str]  # the checklist items it is for
    tracker: str  # where packet.toml notes that it was sent: 'institutions."X".slides'


def long_date(day: dt.date | PartialDate | None) -> str:
    """A date as a records clerk reads it without doubt: "February 10, 2026"."""
    if day is None:
        return ""
    if isinstance(day, PartialDate):
        if day.month is None:
            return str(day.year)
        if day.day is None:
            return dt.date(day.year, day.month, 1).strftime("%B %Y")
        day = dt.date(day.year, day.month, day.day)
    return f"{day.strftime('%B')} {day.day}, {day.year}"


# The tracker ------------------------------------------------------------------------------


def _tracked(
    about: str,
    label: str,
    entry: Tracked,
    today: dt.date,
    item: str | None = None,
    institution: str = "",
    kind: RequestKind | None = None,
) -> TrackedRequest | None:
    if entry.requested is None:
        return None
    due = entry.requested + ANSWER_WITHIN
    return TrackedRequest(
        about=about,
        label=label,
        item=item,
        institution=institution,
        kind=kind,
        requested=entry.requested,
        received=entry.received,
        due=due,
        overdue=entry.received is None and today > due,
    )


def tracked_requests(settings: PacketSettings, today: dt.date) -> list[TrackedRequest]:
    """What packet.toml says was asked for: per checklist item, and per institution and letter."""
    labels = {spec.id: spec.short or spec.label for spec in CHECKLIST}
    out: list[TrackedRequest] = []
    for item, entry in settings.checklist.items():
        found = _tracked(f"checklist.{item}", labels.get(item, item), entry, today, item=item)
        if found:
            out.append(found)
    for name, place in settings.institutions.items():
        for kind in RequestKind:
            entry = getattr(place, kind.value)
            if entry is None:
                continue
            found = _tracked(
                f'institutions."{name}".{kind.value}',
                f"{KIND_WORDS[kind]} from {name}",
                entry,
                today,
                item=KIND_ITEM.get(kind),
                institution=name,
                kind=kind,
            )
            if found:
                out.append(found)
    return sorted(out, key=lambda r: (r.due, r.about))


# The letters ------------------------------------------------------------------------------


def _entry(settings: PacketSettings, name: str) -> InstitutionEntry | None:
    key = institution_key(name)
    return next(
        (e for n, e in settings.institutions.items() if institution_key(n) == key and key), None
    )


def _most_common(values: Iterable[str]) -> str:
    counted = Counter(v for v in values if v)
    return counted.most_common(1)[0][0] if counted else ""


def _recipient(
    name: str, kind: RequestKind, index: FolderIndex, prefer: Category | None = None
) -> Recipient:
    """The institution as its records print it, corrected by packet.toml where it says more."""
    key = institution_key(name)
    docs = [d for d in index.included if key and institution_key(d.institution) == key]
    ranked = [d for d in docs if d.category is prefer] + [d for d in docs if d.category != prefer]
    entry = _entry(index.caregiver.settings, name) if name else None
    return Recipient(
        institution=name,
        department=(entry.department if entry and entry.department else DEPARTMENTS[kind]),
        address=(entry.address if entry and entry.address else "")
        or next((d.institution_address for d in ranked if d.institution_address), ""),
        phone=(entry.phone if entry and entry.phone else "")
        or next((d.institution_phone for d in ranked if d.institution_phone), ""),
        fax=(entry.fax if entry and entry.fax else "")
        or next((d.institution_fax for d in ranked if d.institution_fax), ""),
        mrns=sorted({d.mrn for d in docs if d.mrn}),
    )


def _received(settings: PacketSettings, name: str, kind: RequestKind) -> bool:
    entry = _entry(settings, name) if name else None
    tracked = getattr(entry, kind.value) if entry else None
    return bool(tracked and tracked.received)


def _item_received(settings: PacketSettings, item: str) -> bool:
    entry = settings.checklist.get(item)
    return bool(entry and entry.received)


def _tracker(name: str, kind: RequestKind, items: list[str]) -> str:
    if name:
        return f'institutions."{name}".{kind.value}'
    return ", ".join(f"checklist.{item}" for item in items)


def _canonical(index: FolderIndex) -> dict[str, str]:
    """Each institution's name as most of its records spell it, by its key."""
    spellings: dict[str, Counter[str]] = {}
    for doc in index.included:
        if doc.institution:
            spellings.setdefault(institution_key(doc.institution), Counter())[doc.institution] += 1
    return {key: names.most_common(1)[0][0] for key, names in spellings.items()}


def _by_institution(docs: Iterable[Document], names: dict[str, str]) -> dict[str, list[Document]]:
    grouped: dict[str, list[Document]] = {}
    for doc in docs:
        name = names.get(institution_key(doc.institution), "") if doc.institution else ""
        grouped.setdefault(name, []).append(doc)
    return dict(sorted(grouped.items(), key=lambda kv: (kv[0] == "", kv[0])))


def _status(report: Report, item: str) -> ItemStatus | None:
    return next((i.status for i in report.checklist if i.id == item), None)


def _slides_letters(index: FolderIndex, report: Report, names: dict[str, str]) -> list[Letter]:
    settings = index.caregiver.settings
    if _status(report, "slides") in DONE or _item_received(settings, "slides"):
        return []
    reports = sorted(
        (d for d in index.included if d.category is Category.PATHOLOGY),
        key=lambda d: (d.date is None, d.date or dt.date.min, d.path),
    )
    letters = []
    for name, docs in _by_institution(reports, names).items():
        if _received(settings, name, RequestKind.SLIDES):
            continue
        asked = [
            Asked(
                what=(
                    "Accession " + ", ".join(doc.accessions)
                    if doc.accessions
                    else "Accession number not printed on the report we have"
                ),
                when=long_date(doc.date),
                when_label="Collected",
                details=[
                    line
                    for line in (
                        doc.specimen and f"Specimen: {doc.specimen}",
                        doc.title and f"Report: {doc.title}",
                    )
                    if line
                ],
            )
            for doc in docs
        ]
        letters.append(
            Letter(
                kind=RequestKind.SLIDES,
                recipient=_recipient(name, RequestKind.SLIDES, index, Category.PATHOLOGY),
                asked=asked,
                items=["slides"],
                tracker=_tracker(name, RequestKind.SLIDES, ["slides"]),
            )
        )
    return letters


def _imaging_letters(index: FolderIndex, report: Report, names: dict[str, str]) -> list[Letter]:
    settings = index.caregiver.settings
    item = next((i for i in report.checklist if i.id == "imaging_files"), None)
    if item is None or item.status in (ItemStatus.SENT_SEPARATELY, ItemStatus.NOT_APPLICABLE):
        return []
    if _item_received(settings, "imaging_files"):
        return []
    exams = without_scans(index)  # every imaging report when no disc was copied at all
    letters = []
    for name, docs in _by_institution(exams, names).items():
        if _received(settings, name, RequestKind.IMAGING):
            continue
        letters.append(
            Letter(
                kind=RequestKind.IMAGING,
                recipient=_recipient(name, RequestKind.IMAGING, index, Category.IMAGING),
                asked=[
                    Asked(
                        what=d.title or "Imaging exam",
                        when=long_date(d.date),
                        when_label="Exam date",
                    )
                    for d in docs
                ],
                items=["imaging_files"],
                tracker=_tracker(name, RequestKind.IMAGING, ["imaging_files"]),
            )
        )
    return letters


def _practice(settings: PacketSettings) -> str:
    """The treating doctor's practice, as packet.toml names it."""
    if settings.referring.practice:
        return settings.referring.practice
    _, _, after = settings.patient.treating_doctor.partition(",")
    return after.strip()


def _day(event: TimelineEvent) -> dt.date | None:
    d = event.date
    if d.month is None or d.day is None:
        return None
    try:
        return dt.date(d.year, d.month, d.day)
    except ValueError:
        return None


def _where_on(day: dt.date | None, index: FolderIndex, names: dict[str, str]) -> str:
    """The institution whose records are dated on that day or the two after it (a surgery's
    pathology, a discharge), the procedure's own records first."""
    if day is None:
        return ""
    rank = {Category.OPERATIVE: 0, Category.PATHOLOGY: 1, Category.HOSPITAL: 2}
    near = [
        d
        for d in index.included
        if d.institution and d.date and dt.timedelta(0) <= d.date - day <= dt.timedelta(days=2)
    ]
    near.sort(key=lambda d: (rank.get(d.category, 9), d.date or day))
    return names.get(institution_key(near[0].institution), "") if near else ""


def _events(
    report: Report, kinds: tuple[TimelineType, ...], words: re.Pattern[str] | None = None
) -> Iterator[TimelineEvent]:
    seen = set()
    for event in report.timeline:
        if event.type not in kinds or (words and not words.search(event.description)):
            continue
        key = (str(event.date), event.description.casefold())
        if key not in seen:
            seen.add(key)
            yield event


def _record_asks(
    item: str, index: FolderIndex, report: Report, names: dict[str, str], practice: str
) -> list[tuple[str, Asked]]:
    """(institution, what to ask for) for one missing checklist item."""
    asks: list[tuple[str, Asked]] = []
    if item == "operative":
        for event in _events(report, (TimelineType.SURGERY,)):
            where = _where_on(_day(event), index, names) or practice
            asks.append(
                (
                    where,
                    Asked(
                        what=f"Operative report: {event.description}", when=long_date(event.date)
                    ),
                )
            )
        return asks or [(practice, Asked(what="Operative and procedure notes of every surgery"))]
    if item == "pathology":
        for event in _events(
            report,
            (TimelineType.TEST, TimelineType.SURGERY, TimelineType.DIAGNOSIS),
            BIOPSY_OR_SURGERY,
        ):
            where = _where_on(_day(event), index, names) or practice
            asks.append(
                (
                    where,
                    Asked(
                        what=f"Pathology report: {event.description}", when=long_date(event.date)
                    ),
                )
            )
        return asks or [
            (
                practice,
                Asked(what="Every pathology report (biopsy, surgery, cytology, outside review)"),
            )
        ]
    if item == "imaging":
        for study in index.studies:
            if study.report is None:
                where = names.get(institution_key(study.institution), study.institution) or practice
                asks.append(
                    (
                        where,
                        Asked(
                            what=f"Radiology report: {study.modality} {study.description}".strip(),
                            when=long_date(study.date),
                            when_label="Exam date",
                            details=[f"Accession {study.accession}"] if study.accession else [],
                        ),
                    )
                )
        for event in _events(report, (TimelineType.TEST,), AN_EXAM):
            where = _where_on(_day(event), index, names) or practice
            asks.append(
                (
                    where,
                    Asked(
                        what=f"Radiology report: {event.description}", when=long_date(event.date)
                    ),
                )
            )
        return asks or [
            (practice, Asked(what="Every radiology report (CT, MRI, PET, mammogram, ultrasound)"))
        ]
    if item == "biomarkers":
        for doc in index.included:
            if doc.category is Category.PATHOLOGY and doc.accessions:
                where = names.get(institution_key(doc.institution), "") or practice
                asks.append(
                    (
                        where,
                        Asked(
                            what="Biomarker results (receptor, molecular and genetic tests) on "
                            "the tissue of accession " + ", ".join(doc.accessions),
                            when=long_date(doc.date),
                        ),
                    )
                )
        return asks or [
            (practice, Asked(what="Every biomarker, molecular and genetic test result"))
        ]
    if item == "clinic_notes":
        visits = list(_events(report, (TimelineType.VISIT,)))
        asks = [
            (practice, Asked(what=f"Visit note: {event.description}", when=long_date(event.date)))
            for event in visits
        ]
        return asks or [
            (practice, Asked(what="Consultation and progress notes of the oncology visits"))
        ]
    if item == "treatment":
        asks = [
            (
                practice,
                Asked(what=f"Treatment summary: {event.description}", when=long_date(event.date)),
            )
            for event in _events(report, (TimelineType.TREATMENT,))
        ]
        return asks or [(practice, Asked(what="Treatment summaries (chemotherapy, radiation)"))]
    return []


def _records_letters(index: FolderIndex, report: Report, names: dict[str, str]) -> list[Letter]:
    settings = index.caregiver.settings
    practice = _practice(settings)
    missing = [
        i.id
        for i in report.missing_required
        if i.id in RECORD_ITEMS and not _item_received(settings, i.id)
    ]
    grouped: dict[str, tuple[list[Asked], list[str]]] = {}
    for item in missing:
        for where, asked in _record_asks(item, index, report, names, practice):
            asks, items = grouped.setdefault(where, ([], []))
            if asked not in asks:
                asks.append(asked)
            if item not in items:
                items.append(item)
    letters = []
    for name, (asks, items) in sorted(grouped.items(), key=lambda kv: (kv[0] == "", kv[0])):
        if _received(settings, name, RequestKind.RECORDS):
            continue
        letters.append(
            Letter(
                kind=RequestKind.RECORDS,
                recipient=_recipient(name, RequestKind.RECORDS, index),
                asked=asks,
                items=items,
                tracker=_tracker(name, RequestKind.RECORDS, items),
            )
        )
    return letters


def plan_letters(index: FolderIndex, report: Report) -> list[Letter]:
    """Every letter to write, in the order they are printed: slides, scans, then records."""
    names = _canonical(index)
    return (
        _slides_letters(index, report, names)
        + _imaging_letters(index, report, names)
        + _records_letters(index, report, names)
    )
