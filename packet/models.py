"""The domain nouns of a packet: documents, problems, checklist items, caregiver entries.

Closed sets are StrEnums because their values are a stable interface: they appear in `--json`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_serializer, model_validator


class Category(StrEnum):
    PATHOLOGY = "pathology"
    BIOMARKERS = "biomarkers"
    IMAGING = "imaging"
    OPERATIVE = "operative"
    TREATMENT = "treatment"
    CLINIC_NOTES = "clinic_notes"
    HOSPITAL = "hospital"
    LABS = "labs"
    MEDICATIONS = "medications"
    OTHER = "other"
    ADMINISTRATIVE = "administrative"

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]


CATEGORY_LABELS: dict[Category, str] = {
    Category.PATHOLOGY: "Pathology",
    Category.BIOMARKERS: "Biomarkers and molecular tests",
    Category.IMAGING: "Imaging reports",
    Category.OPERATIVE: "Operative and procedure notes",
    Category.TREATMENT: "Treatment records",
    Category.CLINIC_NOTES: "Clinic notes",
    Category.HOSPITAL: "Hospital and emergency",
    Category.LABS: "Lab results",
    Category.MEDICATIONS: "Medications",
    Category.OTHER: "Other",
    Category.ADMINISTRATIVE: "Insurance and billing",
}

# The order records appear in the packet (DESIGN.md, "The built PDF").
CATEGORY_ORDER: tuple[Category, ...] = tuple(Category)


class FileKind(StrEnum):
    PDF = "pdf"
    IMAGE = "image"
    TEXT = "text"
    DICOM = "dicom"
    OTHER = "other"


class DocumentStatus(StrEnum):
    INCLUDED = "included"
    EXCLUDED = "excluded"
    DUPLICATE = "duplicate"


class ItemStatus(StrEnum):
    PRESENT = "present"
    # Only records filed by their file or folder name, whose text says nothing of what they
    # are: never present on the center's pages; `check` names the files to confirm.
    UNVERIFIED = "unverified"
    MISSING = "missing"
    PENDING = "pending"
    SENT_SEPARATELY = "sent_separately"
    NOT_APPLICABLE = "not_applicable"


class Severity(StrEnum):
    ERROR = "error"  # a file could not be used at all
    WARNING = "warning"  # it was used, but something about it needs a look


class ProblemKind(StrEnum):
    EMPTY_FILE = "empty_file"
    CORRUPT_PDF = "corrupt_pdf"
    INCOMPLETE_PDF = "incomplete_pdf"
    NOT_A_PDF = "not_a_pdf"
    LOCKED_PDF = "locked_pdf"
    WRONG_PASSWORD = "wrong_password"
    UNSUPPORTED_FORMAT = "unsupported_format"
    UNREADABLE_FILE = "unreadable_file"
    BROKEN_IMAGE = "broken_image"
    NO_TEXT = "no_text"
    UNCLASSIFIED = "unclassified"
    NO_DATE = "no_date"
    CAREGIVER_FILE = "caregiver_file"
    LINK_OUTSIDE = "link_outside"
    OTHER_PATIENT = "other_patient"
    MISSING_PATIENT = "missing_patient"  # packet.toml lacks the name or date of birth
    IDENTITY_CONFLICT = "identity_conflict"  # packet.toml contradicts what the records agree on
    CONSISTENCY = "consistency"
    ACTIVE_CONTENT = "active_content"
    SETTINGS_UNREADABLE = "settings_unreadable"  # packet.toml has a syntax error
    ARCHIVE = "archive"  # a zip, email or document inside which something could not be read
    TOO_LARGE = "too_large"  # more than packet puts in a packet from one file
    TOO_SLOW = "too_slow"  # reading it ran past the time limit of one record


# The sources of a category that are the record's own content or the family's word; any other
# (a folder, a file name, one not yet named here) is weak: an allow-list, so a new one errs safe.
STRONG_SOURCES = frozenset({"override", "text", "OCR text"})


class Evidence(BaseModel):
    """Why packet believes something about a document, in words a caregiver can check."""

    model_config = ConfigDict(frozen=True)

    source: str  # override | text | OCR text | folder | file name
    detail: str

    @property
    def strong(self) -> bool:
        """The record's own content (a heading, section labels, a coded type) or the family's
        word in documents.csv; a folder or file name is weak: "notes from dr visit.pdf" may be
        a blank page."""
        return self.source in STRONG_SOURCES

    def __str__(self) -> str:
        return f"{self.source}: {self.detail}"

    def in_words(self, about: str) -> str:
        """Plain words for `check`: "heading 'PATHOLOGY REPORT'" for a category, "collected
        02/10/2026" for a date (`about` is "category" or "date")."""
        if self.source == "override":
            return f"{about} from your documents.csv"
        if self.source in ("folder", "file name"):
            return (
                f"{self.source} {self.detail}"
                if about == "category"
                else (f"date in the {self.source} {self.detail}")
            )
        detail = re.sub(r"\s*\(line \d+\)$", "", self.detail)
        labelled = re.fullmatch(r"'([^':]+):\s*(.+)'", detail)
        if about == "date" and labelled:
            detail = f"{labelled.group(1).lower()} {labelled.group(2)}"  # "collected 02/10/2026"
        elif about == "date":
            detail = "dated " + detail.replace("'", "").replace(" of the document", "")
        return detail + (" (read from the scan)" if self.source == "OCR text" else "")


class LineFor(StrEnum):
    """What a problem's line is for, and so which block of `check` it is printed in."""

    FILL_IN = "fill_in"  # documents.csv: a category or date packet could not find
    CHANGE = "change"  # documents.csv: a row the file has, to complete
    CONFIRM = "confirm"  # documents.csv: a record filed by its name only, if it is what it says
    OTHER_PATIENT = "other_patient"  # documents.csv: only if it is the patient's after all
    PASSWORD = "password"  # packet.toml, under [passwords]


# How a record or scan study of another patient is said to be left out: `check` adds who it
# names; the center's pages never do.
OTHER_PATIENT_RECORD = "another patient's record"
OTHER_PATIENT_STUDY = "another patient's scan study"


class Problem(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: str | None  # relative to the records folder; None for folder-wide problems
    kind: ProblemKind
    severity: Severity
    message: str
    # What to do. Lines indented by two spaces are text to copy exactly as they stand (a line
    # for packet.toml); the terminal shows them whole on their own lines.
    fix: str
    # The line that settles it, for the file `line_for` names (documents.csv, with CATEGORY /
    # YYYY-MM-DD to fill in, or packet.toml's [passwords]). `check` gathers every problem's line
    # into one block per kind, rather than one snippet each.
    line: str = ""
    line_for: LineFor | None = None


class FactKind(StrEnum):
    """What an oncologist asks first about a cancer, read from the records (the clinical summary)."""

    DIAGNOSIS = "diagnosis"  # a coded cancer diagnosis, with its codes (a C-CDA's problem list)
    PRIMARY_SITE = "primary_site"  # "left breast", "right upper lobe of lung"
    HISTOLOGY = "histology"  # "invasive ductal carcinoma"
    GRADE = "grade"  # "grade 2 (Nottingham 6/9)"
    STAGE = "stage"  # "IIA" (AJCC stage group)
    TNM = "tnm"  # "pT2 pN1a M0", "ypT1c ypN1a"
    ER = "er"
    PR = "pr"
    HER2 = "her2"
    KI67 = "ki67"
    EGFR = "egfr"
    ALK = "alk"
    ROS1 = "ros1"
    PDL1 = "pdl1"
    MMR = "mmr"
    MSI = "msi"
    KRAS = "kras"
    NRAS = "nras"
    BRAF = "braf"
    GLEASON = "gleason"
    GRADE_GROUP = "grade_group"
    PSA = "psa"
    # results the table of expected results (packet/data/expected.toml) asks for
    MET = "met"
    RET = "ret"
    NTRK = "ntrk"
    BRCA1 = "brca1"
    BRCA2 = "brca2"
    PALB2 = "palb2"
    HRD = "hrd"
    POLE = "pole"
    P53 = "p53"
    FGFR3 = "fgfr3"


class Fact(BaseModel):
    """One fact read from a record: its value as a clinician writes it, and where it was read."""

    model_config = ConfigDict(frozen=True)

    kind: FactKind
    value: str  # normalized so that two records saying the same thing compare equal
    page: int = 1  # the page of the record it was read on, from 1
    quote: str = ""  # the words it was read from, for the caregiver to check


FACT_LABELS: dict[FactKind, str] = {
    FactKind.DIAGNOSIS: "Coded diagnosis",  # no brackets: `check` shortens "(ER)"-style labels
    FactKind.PRIMARY_SITE: "Primary site",
    FactKind.HISTOLOGY: "Histology",
    FactKind.GRADE: "Grade",
    FactKind.STAGE: "Stage group",
    FactKind.TNM: "TNM",
    FactKind.ER: "Estrogen receptor (ER)",
    FactKind.PR: "Progesterone receptor (PR)",
    FactKind.HER2: "HER2",
    FactKind.KI67: "Ki-67",
    FactKind.EGFR: "EGFR",
    FactKind.ALK: "ALK",
    FactKind.ROS1: "ROS1",
    FactKind.PDL1: "PD-L1",
    FactKind.MMR: "Mismatch repair (MMR)",
    FactKind.MSI: "Microsatellite status (MSI)",
    FactKind.KRAS: "KRAS",
    FactKind.NRAS: "NRAS",
    FactKind.BRAF: "BRAF",
    FactKind.GLEASON: "Gleason score",
    FactKind.GRADE_GROUP: "Grade group",
    FactKind.PSA: "PSA",
    FactKind.MET: "MET",
    FactKind.RET: "RET",
    FactKind.NTRK: "NTRK",
    FactKind.BRCA1: "BRCA1",
    FactKind.BRCA2: "BRCA2",
    FactKind.PALB2: "PALB2",
    FactKind.HRD: "Homologous recombination deficiency (HRD)",
    FactKind.POLE: "POLE",
    FactKind.P53: "p53",
    FactKind.FGFR3: "FGFR3",
}


class FactSource(BaseModel):
    """Where a value was read: the record and its page."""

    path: str
    page: int
    title: str
    date: dt.date | None = None
    quote: str = ""


class FactValue(BaseModel):
    value: str
    sources: list[FactSource]


class SummaryFact(BaseModel):
    """One line of the clinical summary: every value the records give, each with its sources.
    Several values mean the records disagree (or changed over time); packet does not choose."""

    kind: FactKind
    label: str
    values: list[FactValue] = Field(default_factory=list)  # empty: not found in the records
    differ: bool = False  # records give different values (one report's several cores do not)


class KeyDate(BaseModel):
    label: str  # "Diagnosis (first pathology)", "Surgery", "Treatment began"
    date: str  # a day, or a partial date from the family's timeline
    source: FactSource | None = None  # the record, or None for the family's timeline


class CarePlace(BaseModel):
    """An institution that holds records of the patient."""

    name: str
    mrns: list[str]
    first: dt.date | None
    last: dt.date | None
    records: int
    studies: int = 0  # scan studies on the disc made there


class Unread(StrEnum):
    """Why a scan or photo was not read in full, for the summary to say "not read", not "not
    found". The values are the words the packet and `check` use."""

    NO_TESSERACT = "Tesseract, which reads scans, is not installed"
    OCR_OFF = "reading scans was turned off (--no-ocr)"
    UNREADABLE = "no readable text was found on it"
    TOP_ONLY = "only the top of its first page was read"


class UnreadSource(FactSource):
    """A scanned record the summary's facts may be missing from, and why."""

    unread: Unread
    pages: int = 1


class ExpectedStatus(StrEnum):
    FOUND = "found"  # a record states it (a negative result too)
    PENDING = "pending"  # a record says it was sent out or is to follow
    NOT_FOUND = "not_found"  # no record read states it


class ExpectedResult(BaseModel):
    """One result a cancer's workup routinely expects (packet/data/expected.toml), and whether
    the records hold it."""

    id: str  # "her2", "mmr_msi", "stage"
    label: str  # in the center's terms
    status: ExpectedStatus
    when: str = ""  # the guidance's condition: "where indicated", "for advanced disease"
    values: list[FactValue] = Field(default_factory=list)  # found: the summary's values
    pending: list[FactSource] = Field(default_factory=list)  # the records that say it is to come
    missing: list[str] = Field(
        default_factory=list
    )  # of a result of several genes, those not found
    question: str = ""  # the center's, when not found
    ask: str = ""  # the family's line in `check`, when not found
    source: str = ""  # the public guidance that names it
    biomarker: bool = True  # a result of the tumour or of a gene, not its staging or imaging


class DiagnosisSource(BaseModel):
    """What names the cancer a table row applies to: a record's site or histology, or the
    family's diagnosis (source None)."""

    text: str
    source: FactSource | None = None


class ExpectedCancer(BaseModel):
    """A cancer the records or the family name, with the results its workup expects. A cancer the
    table does not cover (`covered` False) has no results: no question is invented for it."""

    id: str  # the table's ("breast"), or "" when not covered
    name: str  # "breast cancer", or the diagnosis as written when not covered
    covered: bool = True
    specialist: str = ""
    named_by: list[DiagnosisSource] = Field(default_factory=list)
    results: list[ExpectedResult] = Field(default_factory=list)

    @property
    def not_found(self) -> list[ExpectedResult]:
        return [r for r in self.results if r.status is ExpectedStatus.NOT_FOUND]


class ClinicalSummary(BaseModel):
    facts: list[SummaryFact] = Field(default_factory=list)
    # The results each named cancer's workup expects, found, pending or not found.
    expected: list[ExpectedCancer] = Field(default_factory=list)
    # Scanned records read only in part: what they state may be missing from the facts.
    read_in_part: list[UnreadSource] = Field(default_factory=list)
    dates: list[KeyDate] = Field(default_factory=list)
    care: list[CarePlace] = Field(default_factory=list)


# A word OCR read and where it sits on the page image, as fractions of the image's width and
# height from its top left: (left, top, right, bottom, word).
Box = tuple[float, float, float, float, str]


class Document(BaseModel):
    """One file of the records folder, as packet understood it."""

    path: str  # relative to the records folder, with forward slashes
    kind: FileKind
    category: Category = Category.OTHER
    category_evidence: Evidence | None = None
    date: dt.date | None = None
    date_evidence: Evidence | None = None
    title: str = ""
    pages: int = 0
    has_text: bool = False
    # A scan or photo whose text is only what OCR read of the top of its first page, or none:
    # a fact it states may not have been read, so the summary says "not read", not "not found".
    unread: Unread | None = None
    size: int = 0
    modified_ns: int = 0  # when the file was last changed, to notice a change during a build
    # Its pages leave the stamp's strip free (else they are shrunk); measured for `build` only.
    bottom_free: bool | None = None
    status: DocumentStatus = DocumentStatus.INCLUDED
    reason: str = ""  # why excluded, or which copy a duplicate repeats
    duplicate_of: str | None = None
    facts: list[Fact] = Field(default_factory=list)  # for the clinical summary
    pending: list[Fact] = Field(default_factory=list)  # results it says are to come
    # the cancers its diagnosis lines name, as written (kind HISTOLOGY), for the expected results
    diagnoses: list[Fact] = Field(default_factory=list)
    institution: str = ""  # the letterhead's, for "Care so far"
    mrn: str = ""  # the medical record number the record files the patient under
    # For a scan read in full by OCR: each page's words and where they sit, so that the packet
    # can carry them as an invisible, searchable text layer. Never in the JSON report.
    text_layer: tuple[tuple[Box, ...], ...] = ()
    # What the letterhead prints under the institution's name, for the request letters.
    institution_address: str = ""
    institution_phone: str = ""
    institution_fax: str = ""
    # A pathology report's case numbers and specimen: the slides and blocks are asked for by them.
    accessions: list[str] = Field(default_factory=list)
    specimen: str = ""

    @property
    def evidence(self) -> list[str]:
        return [str(e) for e in (self.category_evidence, self.date_evidence) if e is not None]

    @property
    def read_in_part(self) -> bool:
        return self.unread is not None

    @property
    def filed_by_content(self) -> bool:
        """Its category comes from what the record says, not from its name."""
        return self.category_evidence is not None and self.category_evidence.strong

    @property
    def evidence_in_words(self) -> str:
        """Why its category and date, briefly: "heading 'X'; collected 02/10/2026"."""
        parts = [
            e.in_words(about)
            for e, about in ((self.category_evidence, "category"), (self.date_evidence, "date"))
            if e is not None
        ]
        if len(parts) == 2 and parts[0].endswith(" (read from the scan)"):
            parts[0] = parts[0].removesuffix(" (read from the scan)")  # said once, at the end
        return "; ".join(parts)


class DocumentOut(BaseModel):
    """A document in the JSON report: the shape DESIGN.md promises."""

    path: str
    kind: FileKind
    category: Category
    date: dt.date | None
    title: str
    pages: int
    status: DocumentStatus
    reason: str
    duplicate_of: str | None
    evidence: list[str]
    evidence_in_words: str = ""
    filed_by_content: bool = False  # the category is the record's own word, not its name's
    read_in_part: bool = False  # a scan read by OCR at the top of its first page only, or not
    unread: Unread | None = None  # why
    institution: str = ""
    mrn: str = ""
    facts: list[Fact] = Field(default_factory=list)
    pending: list[Fact] = Field(default_factory=list)
    diagnoses: list[Fact] = Field(default_factory=list)

    @classmethod
    def of(cls, doc: Document) -> DocumentOut:
        return cls(
            path=doc.path,
            kind=doc.kind,
            category=doc.category,
            date=doc.date,
            title=doc.title,
            pages=doc.pages,
            status=doc.status,
            reason=doc.reason,
            duplicate_of=doc.duplicate_of,
            evidence=doc.evidence,
            evidence_in_words=doc.evidence_in_words,
            filed_by_content=doc.filed_by_content,
            read_in_part=doc.read_in_part,
            unread=doc.unread,
            institution=doc.institution,
            mrn=doc.mrn,
            facts=doc.facts,
            pending=doc.pending,
            diagnoses=doc.diagnoses,
        )


AnyDocument = TypeVar("AnyDocument", Document, DocumentOut)


def record_order(docs: Iterable[AnyDocument]) -> list[AnyDocument]:
    """Grouped by category in the packet's order, oldest first, undated last, then by title."""
    rank = {category: n for n, category in enumerate(CATEGORY_ORDER)}
    return sorted(
        docs,
        key=lambda d: (rank[d.category], d.date is None, d.date or dt.date.min, d.title, d.path),
    )


class ImagingStudy(BaseModel):
    """One DICOM study (a scan), summarized from file headers."""

    date: dt.date | None
    modality: str
    description: str
    body_part: str = ""
    accession: str = ""  # the imaging center's number for the study, to ask for it by
    study_id: str = ""
    institution: str = ""
    series: int
    images: int
    folder: str
    patient_name: str = ""
    patient_birth_date: dt.date | None = None
    study_uid: str = ""
    report: str | None = None  # path of the imaging report that matches it, if any
    reason: str = ""  # why it is left out of the packet (another patient's), empty when it is not
    files: list[str] = Field(default_factory=list, exclude=True)  # its files, for `check`


class ChecklistItem(BaseModel):
    id: str
    label: str
    short: str = ""  # the label in a terminal's narrow column
    status: ItemStatus
    required: bool
    requirement: str  # "required", "recommended", "required (surgery is known)"...
    documents: list[str] = Field(default_factory=list)
    # Records filed here by their file or folder name only: shown in `check` to confirm, never
    # counted as the item's evidence on the center's pages.
    unverified: list[str] = Field(default_factory=list)
    no_scans: list[str] = Field(default_factory=list)  # imaging reports whose scans are not here
    note: str = ""  # the caregiver's note from packet.toml
    detail: str = ""  # why packet gave this status
    fix: str = ""  # what to do when it is missing


class TimelineType(StrEnum):
    SYMPTOM = "symptom"
    TEST = "test"
    DIAGNOSIS = "diagnosis"
    TREATMENT = "treatment"
    SURGERY = "surgery"
    VISIT = "visit"
    OTHER = "other"


class PartialDate(BaseModel):
    """A timeline date that may lack its day or month ("2026-01", "2026")."""

    model_config = ConfigDict(frozen=True)

    year: int
    month: int | None = None
    day: int | None = None

    def __str__(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @model_serializer
    def serialize(self) -> str:
        return str(self)

    @model_validator(mode="before")
    @classmethod
    def parse(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [int(p) for p in value.split("-")]
            return dict(zip(("year", "month", "day"), parts, strict=False))
        return value

    @property
    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)

    @classmethod
    def of(cls, day: dt.date) -> PartialDate:
        return cls(year=day.year, month=day.month, day=day.day)


class TimelineEvent(BaseModel):
    date: PartialDate
    type: TimelineType
    description: str
    source: str  # "timeline.csv line 3" or the document path
    documents: list[str] = Field(default_factory=list)  # the records of this event


class Medication(BaseModel):
    name: str
    dose: str = ""
    how_often: str = ""
    reason: str = ""
    started: str = ""
    notes: str = ""
    source: str = ""  # empty: medications.csv; else the record it was read from
    also: list[str] = Field(default_factory=list)  # other records that list it too


class Allergy(BaseModel):
    """An allergy coded in the records, with every record that codes it."""

    substance: str  # "" when the records code no known allergies
    reaction: str = ""
    sources: list[str] = Field(default_factory=list)

    @property
    def in_words(self) -> str:
        if not self.substance:
            return "no known allergies"
        return f"{self.substance} ({self.reaction})" if self.reaction else self.substance


class CaregiverFile(BaseModel):
    """One of the files the caregiver writes (packet.toml, timeline.csv, ...)."""

    path: str
    role: str
    rows: int


class IgnoredFile(BaseModel):
    path: str
    reason: str


class RequestKind(StrEnum):
    """The letters `packet request` writes: one per institution and kind."""

    SLIDES = "slides"  # slides and blocks, to a pathology department
    RECORDS = "records"  # missing records, under the right of access
    IMAGING = "imaging"  # the scans on disc, to an imaging department


class TrackedRequest(BaseModel):
    """Something the family asked for, as packet.toml records it, with the day it is due."""

    about: str  # where packet.toml says it: "checklist.slides", 'institutions."X".records'
    label: str  # "Slides / tissue blocks", "records from Lakeside Medical Center"
    item: str | None = None  # the checklist item it is for, when it is for one
    institution: str = ""
    kind: RequestKind | None = None
    requested: dt.date
    received: dt.date | None = None
    due: dt.date  # the right of access allows 30 days
    overdue: bool = False  # past due and not received (as of the day of the check)


class Report(BaseModel):
    """The result of `packet check`: what is there, what is missing and what to do."""

    folder: str
    patient_name: str
    documents: list[DocumentOut]
    imaging_studies: list[ImagingStudy]  # the patient's: the only ones any page counts
    checklist: list[ChecklistItem]
    timeline: list[TimelineEvent]
    medications: list[Medication]
    questions: list[str]
    caregiver_files: list[CaregiverFile]
    ignored: list[IgnoredFile]
    problems: list[Problem]
    summary: ClinicalSummary = Field(default_factory=ClinicalSummary)
    allergies: list[Allergy] = Field(default_factory=list)  # coded in the records
    # Studies that name another patient: left out, never counted, listed, or described as hers.
    other_studies: list[ImagingStudy] = Field(default_factory=list)
    # Why `build` would stop, and the exit code it would stop with (0: it would not).
    build_refusal: str = ""
    build_refusal_code: int = 0
    requests: list[TrackedRequest] = Field(default_factory=list)  # what packet.toml says was asked

    @property
    def missing_required(self) -> list[ChecklistItem]:
        """Required items with no record behind them: missing, or only filed by name."""
        return [
            i
            for i in self.checklist
            if i.required and i.status in (ItemStatus.MISSING, ItemStatus.UNVERIFIED)
        ]
