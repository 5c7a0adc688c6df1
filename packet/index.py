"""Indexing the records folder: every file read, classified, dated, deduplicated, and either
included or excluded with a reason. This is the shared first stage of `check` and `build`.
"""

from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path, PurePosixPath

from packet import stopping
from packet.caregiver import (
    CATEGORY_PLACEHOLDER,
    DATE_PLACEHOLDER,
    CaregiverData,
    DocumentOverride,
    csv_row,
    load_caregiver_files,
)
from packet.classify import classify, make_title, tidy_title
from packet.dates import DateOrder, clinical_date, date_from_name
from packet.dicom import DicomHeader, summarize_studies
from packet.facts import extract as extract_facts
from packet.formats.ccda import DOCUMENT_TYPES, Facts
from packet.formats.pdf import page_texts
from packet.identity import Identity, Match, compare, header_identity
from packet.models import (
    OTHER_PATIENT_RECORD,
    OTHER_PATIENT_STUDY,
    Allergy,
    Box,
    Category,
    Document,
    DocumentStatus,
    Evidence,
    Fact,
    FactKind,
    FileKind,
    IgnoredFile,
    ImagingStudy,
    LineFor,
    Medication,
    Problem,
    ProblemKind,
    Severity,
    Unread,
)
from packet.provenance import Letterhead, institution_of, letterhead_of, mrn_of
from packet.reading import FileReading, out_of_time, read_file, read_scan_in_full, sha256_of
from packet.scan import FoundFile, scan_folder
from packet.specimens import accessions_of, specimen_of
from packet.stopping import TookTooLong, time_limit
from packet.unpack import expand
from packet.words import plural
from packet.workers import parallel_map
from packet.workup import pending_results, stated_diagnoses

Progress = Callable[[int, int, str], None]  # (done, total, what); total 0: cannot be counted.
# Never given record contents.


@dataclass
class FolderIndex:
    folder: Path
    caregiver: CaregiverData
    today: date = field(default_factory=date.today)  # the day the folder is read, for "past"
    documents: list[Document] = field(default_factory=list)
    sources: dict[str, Path] = field(default_factory=dict)  # document path -> file to open
    studies: list[ImagingStudy] = field(default_factory=list)  # the patient's
    other_studies: list[ImagingStudy] = field(default_factory=list)  # another patient's, left out
    ignored: list[IgnoredFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    facts: dict[str, Facts] = field(default_factory=dict)  # coded entries of C-CDA records

    @property
    def included(self) -> list[Document]:
        return [d for d in self.documents if d.status is DocumentStatus.INCLUDED]


@dataclass(frozen=True)
class ReadJob:
    """Everything a worker needs to read one file and understand it."""

    path: Path
    relative: str
    passwords: list[str]
    ocr: bool
    layout: bool
    order: DateOrder
    birth: date | None
    today: date
    override: DocumentOverride | None
    cache: bool = True  # keep and reuse what OCR reads


@dataclass(frozen=True)
class Understanding:
    category: Category
    category_evidence: Evidence | None
    date: date | None
    date_evidence: Evidence | None
    title: str
    institution: str = ""
    mrn: str = ""
    facts: tuple[Fact, ...] = ()
    pending: tuple[Fact, ...] = ()  # results it says are to come
    diagnoses: tuple[Fact, ...] = ()  # the cancers its diagnosis lines name
    read_fully: bool = False  # a scan whose pages were all read by OCR for its facts
    text_layer: tuple[tuple[Box, ...], ...] = ()  # where OCR found each page's words
    letterhead: Letterhead = field(default_factory=Letterhead)
    accessions: tuple[str, ...] = ()
    specimen: str = ""


def understand(job: ReadJob, reading: FileReading) -> Understanding:
    """Category, date and title of a usable document, strongest evidence first."""
    override = job.override
    found = classify(reading.text, job.relative)
    category, category_evidence = found.category, found.evidence
    if reading.ocr and found.evidence is not None and found.evidence.source == "text":
        category_evidence = Evidence(source="OCR text", detail=found.evidence.detail)
    if override and override.category:
        category, category_evidence = (
            override.category,
            Evidence(source="override", detail="documents.csv"),
        )

    day, date_evidence = None, None
    when = clinical_date(reading.text, job.order, job.birth, job.today)
    if override and override.date:
        day, date_evidence = override.date, Evidence(source="override", detail="documents.csv")
    elif when:
        day, date_evidence = (
            when.value,
            Evidence(source="OCR text" if reading.ocr else "text", detail=when.how),
        )
    else:
        parts = job.relative.split("/")
        for name in reversed(parts):  # the file name, then the folders around it
            value = date_from_name(name, job.order, job.today)
            if value and value != job.birth:
                source = "file name" if name == parts[-1] else "folder"
                day, date_evidence = value, Evidence(source=source, detail=f"'{name}'")
                break

    heading = found.heading if found.category is category else ""
    title = (override.title if override and override.title else "") or make_title(
        category, heading, reading.text, job.relative
    )
    institution = institution_of(reading.text) if category is not Category.ADMINISTRATIVE else ""
    tissue = category in (Category.PATHOLOGY, Category.BIOMARKERS)
    return Understanding(
        category,
        category_evidence,
        day,
        date_evidence,
        title,
        institution,
        mrn_of(reading.text),
        letterhead=letterhead_of(reading.text, institution),
        accessions=tuple(accessions_of(reading.text)) if tissue else (),
        specimen=specimen_of(reading.text) if tissue else "",
    )


def _patient_mismatch(study: ImagingStudy, data: CaregiverData) -> tuple[Match, str] | None:
    """Who the study belongs to, when that may not be the patient of packet.toml."""
    patient = data.settings.patient
    ours = Identity(patient.name, patient.date_of_birth)
    theirs = Identity(study.patient_name, study.patient_birth_date)
    match = compare(ours, theirs)
    if match is Match.SAME:
        return None
    shown = Identity(study.patient_name or "another patient", study.patient_birth_date)
    return match, shown.describe()


def check_identities(
    named: list[tuple[Document, Identity, bool]], data: CaregiverData
) -> list[Problem]:
    """Compare the patient each record names in its header with packet.toml. A record of another
    patient is left out until the caregiver confirms it (documents.csv include = yes); when most
    records agree on a date of birth that packet.toml contradicts, packet.toml is the suspect."""
    patient = data.settings.patient
    ours = Identity(patient.name, patient.date_of_birth)
    births = Counter(i.date_of_birth for _, i, _ in named if i.date_of_birth)
    problems: list[Problem] = []
    if births and ours.date_of_birth:
        common, votes = births.most_common(1)[0]
        if common != ours.date_of_birth and votes >= 2 and votes * 2 > sum(births.values()):
            problems.append(
                Problem(
                    path="packet.toml",
                    kind=ProblemKind.IDENTITY_CONFLICT,
                    severity=Severity.ERROR,
                    message=(
                        f"packet.toml gives the date of birth {ours.date_of_birth.isoformat()}, "
                        f"but {votes} of {sum(births.values())} records say {common.isoformat()}: "
                        "packet.toml is probably wrong, and every page would carry its date."
                    ),
                    fix=f"If {common.isoformat()} is right, make the date_of_birth line under "
                    f"[patient] in packet.toml read:\n  date_of_birth = {common.isoformat()}\n"
                    "If packet.toml is right, build with --force-identity.",
                )
            )
            # The records are not to blame for packet.toml's date: compare names only.
            ours = Identity(patient.name, None)
    for doc, theirs, by_ocr in named:  # OCR's misreadings of a name are forgiven, not a person
        verdict = compare(ours, theirs, ocr=by_ocr)
        if verdict is Match.SAME:
            continue
        override = data.overrides.get(doc.path)
        confirmed = bool(override and override.confirmed)
        if confirmed:
            continue
        certain = verdict is Match.DIFFERENT
        if certain:
            doc.status = DocumentStatus.EXCLUDED
            doc.reason = f"{OTHER_PATIENT_RECORD} ({theirs.describe()}), left out"
        problems.append(
            Problem(
                path=doc.path,
                kind=ProblemKind.OTHER_PATIENT,
                severity=Severity.ERROR if certain else Severity.WARNING,
                message=(
                    ("This record names" if certain else "This record may be of")
                    + f" {theirs.describe()}, not {ours.describe()} of packet.toml"
                    + (": it is left out of the packet." if certain else ".")
                ),
                fix="If it is another person's record, take it out of the folder; if it is the "
                "patient's, correct packet.toml"
                + (
                    ", or add its line from the documents.csv block below (include = yes)."
                    if certain
                    else "."
                ),
                line=csv_row([doc.path, "", "", "", "yes"]) if certain else "",
                line_for=LineFor.OTHER_PATIENT if certain else None,
            )
        )
    return problems


FILES_NAMED = 8  # a study's files named in its problem; the rest are counted


def _confirmed(paths: list[str], data: CaregiverData) -> bool:
    """The caregiver wrote one of these paths in documents.csv with include = yes."""
    return any((o := data.overrides.get(p)) is not None and o.confirmed for p in paths)


def _sort_studies(index: FolderIndex, studies: list[ImagingStudy]) -> None:
    """The patient's studies, paired with the imaging report of their date and kind; another
    patient's left out (never counted or listed as hers) until the caregiver confirms the
    study's folder or one of its files in documents.csv. One rule with records: a different date of birth, or a
    different name with no date of birth, is another patient; the same date of birth under
    another name is kept with a warning."""
    data = index.caregiver
    patient = data.settings.patient
    ours = Identity(patient.name, patient.date_of_birth)
    # a study's report is a record that says it is one, never a file named like one
    reports = [d for d in index.included if d.category is Category.IMAGING and d.filed_by_content]
    by_path = {d.path: d for d in index.documents}
    shared = Counter(s.folder for s in studies)
    paired: set[str] = set()
    for study in studies:
        match = _patient_mismatch(study, data)
        verdict, theirs = match if match else (Match.SAME, "")
        left_out = verdict is Match.DIFFERENT and not _confirmed([study.folder, *study.files], data)
        if verdict is not Match.SAME:
            # the line that confirms this study alone: its folder, or a file where folders are shared
            named = study.folder if shared[study.folder] == 1 else study.files[0]
            index.problems.append(_study_problem(study, verdict, theirs, ours, left_out, named))
        if left_out:
            study.reason = f"{OTHER_PATIENT_STUDY} ({theirs}), left out"
            for path in study.files:
                if path in by_path:
                    by_path[path].reason = study.reason
            index.other_studies.append(study)
            continue
        found = _report_of(study, reports, paired)
        if found is not None:
            paired.add(found.path)
        study.report = found.path if found else None
        index.studies.append(study)


# What a report's title calls the kind of scan a DICOM modality code names.
MODALITY_WORDS: dict[str, str] = {
    "CT": r"\bct\b|computed tomograph|\bcat scan", "MR": r"\bmri?\b|magnetic resonance",
    "PT": r"\bpet\b", "NM": r"nuclear|\bnm\b|bone scan|spect",
    "US": r"ultrasound|sonogra|\bus\b", "MG": r"mammo|tomosynthesis",
    "CR": r"x-?ray|radiograph|\bxr\b|\bcxr\b", "DX": r"x-?ray|radiograph|\bxr\b|\bcxr\b",
}  # fmt: skip
_ANY_MODALITY = re.compile("|".join(MODALITY_WORDS.values()), re.IGNORECASE)


def _report_of(study: ImagingStudy, reports: list[Document], paired: set[str]) -> Document | None:
    """The imaging report of a study: of its date, of its kind of scan (a CT study is not the
    PET/CT report of the same morning) — one not yet paired first; a report whose title names
    no kind of scan when none does."""
    same_day = [d for d in reports if d.date and d.date == study.date]
    words = [MODALITY_WORDS[m] for m in study.modality.split("/") if m in MODALITY_WORDS]
    fitting = [d for d in same_day if any(re.search(w, d.title, re.IGNORECASE) for w in words)]
    own = set(study.modality.split("/"))

    def fit(report: Document) -> tuple[int, int]:
        """Kinds of scan the title names that the study is not, then those it is (more first)."""
        named = {c for c, w in MODALITY_WORDS.items() if re.search(w, report.title, re.IGNORECASE)}
        return len(named - own), -len(named & own)

    fitting.sort(key=fit)
    plain = [d for d in same_day if not _ANY_MODALITY.search(d.title)]
    for choice in ([d for d in fitting if d.path not in paired], fitting, plain):
        if choice:
            return choice[0]
    return None


def _study_problem(
    study: ImagingStudy, verdict: Match, theirs: str, ours: Identity, left_out: bool, named: str
) -> Problem:
    """Which files make up the study, so the caregiver can find them on a copied disc."""
    root = study.folder.rstrip("/") + "/" if study.folder != "." else ""
    shown = [f.removeprefix(root) for f in study.files[:FILES_NAMED]]
    more = len(study.files) - len(shown)
    files = ", ".join(shown) + (f" and {more} more" if more else "")
    certain = verdict is Match.DIFFERENT
    return Problem(
        path=study.folder,
        kind=ProblemKind.OTHER_PATIENT,
        severity=Severity.ERROR if certain else Severity.WARNING,
        message=(
            f"The scan study in '{study.folder}' ({study.modality}, {study.date or 'no date'}; "
            f"{plural(len(study.files), 'file')}: {files}) "
            + ("belongs to" if certain else "may belong to")
            + f" {theirs}, not {ours.describe()} of packet.toml"
            + (": it is left out of the packet." if left_out else ".")
        ),
        fix="If it is another person's scan, take these files out of the records folder and "
        "check which disc they came from. If packet.toml has a typo in the name or date of "
        "birth, correct it"
        + (
            "; if the scan is the patient's after all, add its line from the documents.csv "
            "block below (include = yes)."
            if left_out
            else "."
        ),
        line=csv_row([named, "", "", "", "yes"]) if left_out else "",
        line_for=LineFor.OTHER_PATIENT if left_out else None,
    )


def _not_read(found: FoundFile, reason: str) -> Document:
    """A file listed as not included without being read: a link, a pipe, an archive itself."""
    return Document(
        path=found.relative, kind=FileKind.OTHER, status=DocumentStatus.EXCLUDED, reason=reason
    )


def index_folder(
    folder: Path,
    progress: Progress | None = None,
    today: date | None = None,
    passwords: Mapping[str, str] | None = None,
    ocr: bool = False,
    layout: bool = False,
    cache: bool = True,
) -> FolderIndex:
    """`passwords`: for locked PDFs, given for this run only (typed at a prompt, never stored).
    `ocr`: read scanned pages and photos with Tesseract. `layout`: measure what `build` needs to
    place the stamp. `cache`: keep and reuse what OCR reads (packet/cache.py)."""
    today = today or date.today()
    data = load_caregiver_files(folder)
    data.settings.passwords.update(passwords or {})
    found = scan_folder(folder)
    unpacked = expand(found.files)  # members of archives and emails, Word and C-CDA as text
    found.files = unpacked.files
    index = FolderIndex(
        folder=folder, caregiver=data, today=today, ignored=found.ignored + unpacked.ignored
    )
    index.problems.extend(data.problems)
    index.problems.extend(found.problems)
    index.problems.extend(unpacked.problems)
    index.facts = unpacked.facts
    for container, reason in unpacked.containers:
        index.documents.append(_not_read(container, reason))

    for link, reason in found.excluded_links:
        index.documents.append(_not_read(link, reason))
        index.problems.append(
            Problem(
                path=link.relative,
                kind=ProblemKind.LINK_OUTSIDE,
                severity=Severity.WARNING,
                message=f"This is {reason.split(' — ')[0]}.",
                fix="Copy the real file or folder into the records folder in place of the link.",
            )
        )

    for special, reason in found.excluded_special:
        index.documents.append(_not_read(special, f"{reason} (not read)"))
        index.problems.append(
            Problem(
                path=special.relative,
                kind=ProblemKind.UNREADABLE_FILE,
                severity=Severity.WARNING,
                message=f"packet does not open this: it is {reason}.",
                fix="If it is a record, copy it into the records folder as a plain file, "
                "in a folder near the top.",
            )
        )

    headers: list[DicomHeader] = []
    disc_roots = {
        item.relative.rsplit("/", 1)[0]
        for item in found.files
        if item.path.name.upper() == "DICOMDIR"
    }
    readings = _read_all(found.files, data, progress, ocr, layout, today, cache)
    named: list[tuple[Document, Identity, bool]] = []
    for item, (reading, known) in zip(found.files, readings, strict=True):
        if reading.kind not in (FileKind.DICOM, FileKind.PDF) and any(
            item.relative.startswith(root + "/") for root in disc_roots
        ):
            # A scan disc's viewer: icons, help pages, programs. Reports on discs are PDFs.
            reading.usable, reading.problem, reading.is_disc_software = False, None, True
            reading.exclusion = "part of the scan disc's viewer software, not a record"
        doc = Document(
            path=item.relative,
            kind=reading.kind,
            pages=reading.pages,
            has_text=bool(reading.text.strip()),
            unread=_unread(reading, known, ocr),
            size=reading.size,
            modified_ns=reading.modified_ns,
            bottom_free=reading.bottom_free,
        )
        index.sources[item.relative] = item.path
        if reading.problem:
            index.problems.append(reading.problem)
        if reading.dicom:
            headers.append(reading.dicom)
            doc.category = Category.IMAGING
        override = data.overrides.get(item.relative)
        if reading.built_by_packet:
            doc.status = DocumentStatus.EXCLUDED
            doc.reason = "a packet built earlier by packet (never merged into a new one)"
        elif not reading.usable:
            doc.status = DocumentStatus.EXCLUDED
            doc.reason = reading.exclusion
        else:
            if override and not override.include:
                doc.status = DocumentStatus.EXCLUDED
                doc.reason = "left out by the caregiver (documents.csv include = no)"
            if known is not None:
                doc.category, doc.category_evidence = known.category, known.category_evidence
                doc.date, doc.date_evidence, doc.title = (
                    known.date,
                    known.date_evidence,
                    known.title,
                )
                doc.institution, doc.mrn = known.institution, known.mrn
                doc.institution_address = known.letterhead.address
                doc.institution_phone = known.letterhead.phone
                doc.institution_fax = known.letterhead.fax
                doc.accessions, doc.specimen = list(known.accessions), known.specimen
                doc.facts = list(known.facts)
                doc.text_layer = known.text_layer
                doc.pending = list(known.pending)
                doc.diagnoses = list(known.diagnoses)
            coded = index.facts.get(item.relative)
            if coded is not None:  # a C-CDA's header and entries: stronger than its text
                _apply_coded(doc, coded, override)
        index.documents.append(doc)
        if doc.status is DocumentStatus.INCLUDED and reading.text:
            found_id = header_identity(reading.text, data.settings.reading.date_order)
            if found_id.name or found_id.date_of_birth:
                named.append((doc, found_id, reading.ocr))

    index.problems.extend(check_identities(named, data))
    _mark_duplicates(index.documents, index.sources)
    for doc in index.included:
        _note_gaps(doc, index.problems, data.overrides.get(doc.path))

    _sort_studies(index, summarize_studies(headers))
    index.problems.extend(_incomplete_discs(headers, {f.relative.lower() for f in found.files}))
    _note_scanned(index, ocr)
    return index


_COPY_MARK = re.compile(r"\bcopy\b|\bkopie\b|\(\d+\)", re.IGNORECASE)
_GENERIC_NAME = re.compile(
    r"^(scan|img|image|document|doc|download|file|untitled|page|pxl|dsc)[\s_()\d-]*$", re.IGNORECASE
)


def _keeper_rank(doc: Document) -> tuple[int, bool, str]:
    """Of identical copies, keep the one whose name says most: not 'Document (3)', not 'copy'."""
    stem = PurePosixPath(doc.path).stem
    return (len(_COPY_MARK.findall(stem)), bool(_GENERIC_NAME.search(stem)), doc.path)


def _mark_duplicates(documents: list[Document], sources: Mapping[str, Path]) -> None:
    """Identical files count once. Only files of the same size can be identical, and only those
    whose first and last bytes match are read whole: most folders need little or no hashing."""
    same_size: dict[int, list[Document]] = defaultdict(list)
    for doc in documents:
        if doc.status is DocumentStatus.INCLUDED:
            same_size[doc.size].append(doc)
    groups = [g for g in same_size.values() if len(g) > 1]
    for whole in (False, True):
        narrowed: list[list[Document]] = []
        for group in groups:
            alike: dict[str, list[Document]] = defaultdict(list)
            for doc in group:
                try:
                    alike[sha256_of(sources[doc.path], whole)].append(doc)
                except OSError:  # gone since it was read: build will say so
                    continue
            narrowed.extend(g for g in alike.values() if len(g) > 1)
        groups = narrowed
    for group in groups:
        keeper, *others = sorted(group, key=_keeper_rank)
        for doc in others:
            doc.status = DocumentStatus.DUPLICATE
            doc.duplicate_of = keeper.path
            doc.reason = f"identical to {keeper.path}, which is included"


def _incomplete_discs(headers: list[DicomHeader], present: set[str]) -> list[Problem]:
    problems = []
    for header in headers:
        if not header.referenced:
            continue
        root = header.relative.rsplit("/", 1)[0] if "/" in header.relative else ""
        missing = [f for f in header.referenced if f"{root}/{f}".strip("/").lower() not in present]
        if missing:
            problems.append(
                Problem(
                    path=header.relative,
                    kind=ProblemKind.UNREADABLE_FILE,
                    severity=Severity.WARNING,
                    message=f"The disc's index (DICOMDIR) lists {len(missing)} file(s) that are not in the folder "
                    f"(for example {missing[0]}): the copy of the disc looks incomplete.",
                    fix="Copy the whole disc again, every folder on it, or send the disc itself to the center.",
                )
            )
    return problems


PARALLEL_FROM = 64  # below this many files, starting worker processes costs more than it saves


# Records whose text states diagnoses and results; imaging reports speak of "staging" but rarely
# state a stage, and lists, bills and letters state none.
FACT_CATEGORIES = frozenset(
    {Category.PATHOLOGY, Category.BIOMARKERS, Category.CLINIC_NOTES, Category.HOSPITAL,
     Category.OPERATIVE, Category.TREATMENT, Category.LABS}
)  # fmt: skip
FACT_PAGES = 8  # results sit on a report's first pages; a 300-page chart is not read through
TEXT_PAGES = 2  # of a note with a text layer: where it states the diagnosis and the plan
REPORTS = frozenset({Category.PATHOLOGY, Category.BIOMARKERS, Category.OPERATIVE})
# Records read in full for their facts once their first page has filed them (text layer, or OCR
# for a scan): those that state a diagnosis, a stage or a result, anywhere in them (an
# addendum, an ISH page); a lab table or bill states none of these.
READ_IN_FULL = frozenset(
    {Category.PATHOLOGY, Category.BIOMARKERS, Category.CLINIC_NOTES, Category.HOSPITAL,
     Category.OPERATIVE, Category.TREATMENT}
)  # fmt: skip


def _read_job(job: ReadJob) -> tuple[FileReading, Understanding | None]:
    limit = stopping.RECORD_SECONDS
    try:
        with time_limit(limit):
            return _guarded(job)
    except TookTooLong:
        return out_of_time(job.path, job.relative, limit), None


def _guarded(job: ReadJob) -> tuple[FileReading, Understanding | None]:
    """One record read and understood under the one guard of its reading: whatever a reader
    or the library under it raises on this file's bytes (each format's module names what it
    expects; this is for what no one foresaw) makes this record unreadable, never the run."""
    try:
        return _read_one(job)
    except Exception as exc:
        try:
            size = job.path.stat().st_size
        except OSError:
            size = 0
        return FileReading(
            kind=FileKind.OTHER,
            size=size,
            usable=False,
            exclusion="could not be read (it may be damaged)",
            problem=Problem(
                path=job.relative,
                kind=ProblemKind.UNREADABLE_FILE,
                severity=Severity.ERROR,
                message=f"packet could not read this file ({exc.__class__.__name__}); it may "
                "be damaged.",
                fix="Open it in the program that made it and save or print it as PDF, or copy "
                "it again from where it came from.",
            ),
        ), None


def _read_one(job: ReadJob) -> tuple[FileReading, Understanding | None]:
    reading = read_file(job.path, job.relative, job.passwords, job.ocr, job.layout, job.cache)
    usable = reading.usable and reading.kind in (FileKind.PDF, FileKind.IMAGE, FileKind.TEXT)
    if not usable:
        return reading, None
    known = understand(job, reading)
    if known.category in FACT_CATEGORIES:
        pages = [reading.text]
        read_fully = False
        text_layer: tuple[tuple[Box, ...], ...] = ()
        if reading.ocr and known.category in READ_IN_FULL:
            # filed from the top of its first page; its facts may be anywhere in it
            scanned = read_scan_in_full(
                job.path, reading.kind, job.passwords, FACT_PAGES, job.cache
            )
            if any(page.text.strip() for page in scanned):
                pages, read_fully = [page.text for page in scanned], True
                text_layer = tuple(page.boxes for page in scanned)
        elif known.category in READ_IN_FULL and reading.kind is FileKind.PDF and not reading.ocr:
            # each page as its own text, so that a fact cites its page; the pages not read yet
            # (a long first page stops the reading for filing) are read now: a report's first
            # 8 (an addendum, an ISH page), a note's first 2 (it states its diagnosis up front;
            # reading a long chart through costs a check four times its time, measured)
            pages = reading.page_texts or pages
            wanted = FACT_PAGES if known.category in REPORTS else TEXT_PAGES
            if min(reading.pages, wanted) > len(pages):
                pages = page_texts(job.path, job.passwords, wanted) or pages
        known = replace(
            known,
            facts=tuple(extract_facts(pages)),
            pending=tuple(pending_results(pages)),
            diagnoses=tuple(stated_diagnoses(pages)),
            read_fully=read_fully,
            text_layer=text_layer,
        )
    return reading, known


def _read_all(
    files: list[FoundFile],
    data: CaregiverData,
    progress: Progress | None,
    ocr: bool,
    layout: bool,
    today: date,
    cache: bool,
) -> Iterator[tuple[FileReading, Understanding | None]]:
    """Every file read and understood, in order; on several cores, in worker processes (it is
    CPU-bound: PDF text, classification, DICOM headers, OCR)."""
    order, birth = data.settings.reading.date_order, data.settings.patient.date_of_birth
    jobs = [
        ReadJob(
            f.path,
            f.relative,
            data.password_for(f.relative),
            ocr,
            layout,
            order,
            birth,
            today,
            data.overrides.get(f.relative),
            cache,
        )
        for f in files
    ]
    enough = len(jobs) >= PARALLEL_FROM or (ocr and len(jobs) >= 4)  # OCR takes seconds a page
    # A scan takes seconds a page: files are handed out one by one, so that no worker is left
    # with a batch of scans while the others wait, and the count moves as each one is done.
    chunksize = 1 if ocr else 16
    started, scanned = time.monotonic(), 0
    for number, result in enumerate(parallel_map(_read_job, jobs, enough, chunksize), start=1):
        scanned += _ocr_pages(*result)
        if progress:
            what = "reading the records"
            if scanned:  # short enough for an 80-column terminal with its bar and count
                rate = scanned / max(time.monotonic() - started, 0.001)
                what = f"reading: {plural(scanned, 'scanned page')}, {rate:.1f}/s"
            progress(number, len(jobs), what)
        yield result


def _ocr_pages(reading: FileReading, known: Understanding | None) -> int:
    """The pages OCR read for this file: the top of its first, or its pages read in full."""
    if not reading.ocr:
        return 0
    return min(reading.pages, FACT_PAGES) if known is not None and known.read_fully else 1


def _note_gaps(doc: Document, problems: list[Problem], given: DocumentOverride | None) -> None:
    """One problem per document that needs the caregiver's help, saying everything it lacks;
    `given`: its row in documents.csv, which the line then completes rather than repeats."""
    kind = LineFor.CHANGE if given else LineFor.FILL_IN
    if doc.category_evidence is None:
        lacking = "what kind of record this is" + (" or its date" if doc.date is None else "")
        wants_date = doc.date is None
        problems.append(
            Problem(
                path=doc.path,
                kind=ProblemKind.UNCLASSIFIED,
                severity=Severity.WARNING,
                message=f"packet could not tell {lacking}; it is filed under 'other'.",
                fix=_override_fix("category and date" if wants_date else "category", given)
                + "\nCategories: "
                + ", ".join(c.value for c in Category)
                + ".",
                line_for=kind,
                line=_row(doc, given, CATEGORY_PLACEHOLDER, DATE_PLACEHOLDER if wants_date else ""),
            )
        )
    elif doc.date is None:
        problems.append(
            Problem(
                path=doc.path,
                kind=ProblemKind.NO_DATE,
                severity=Severity.WARNING,
                message="No date of service, collection, procedure or visit was found; the date is left unknown.",
                fix=_override_fix("date", given),
                line_for=kind,
                line=_row(doc, given, "", DATE_PLACEHOLDER),
            )
        )


def _row(doc: Document, given: DocumentOverride | None, category: str, day: str) -> str:
    """The document's documents.csv row: what its row already says, and the placeholders."""
    if given is not None:
        category = category or (given.category.value if given.category else "")
        day = day or (given.date.isoformat() if given.date else "")
    return csv_row([doc.path, category, day, given.title if given else "", "yes"])


def _override_fix(what: str, given: DocumentOverride | None) -> str:
    """Where the caregiver writes what packet could not find: the document's line in the
    documents.csv block `check` prints once for the whole folder."""
    places = " and ".join(
        p
        for p in (
            "category" in what and f"the category in place of {CATEGORY_PLACEHOLDER}",
            "date" in what and f"the date in place of {DATE_PLACEHOLDER}",
        )
        if p
    )
    where = (
        "its row in documents.csv, as the block below gives it"
        if given
        else ("its line of the documents.csv block below")
    )
    return f"If you know its {what}, write it in {where}: {places}."


def _unread(reading: FileReading, known: Understanding | None, ocr_on: bool) -> Unread | None:
    """Why a scan or photo was not read in full, or None when it was (or has a text layer)."""
    if reading.kind not in (FileKind.PDF, FileKind.IMAGE):
        return None
    if reading.ocr:
        return None if known is not None and known.read_fully else Unread.TOP_ONLY
    if reading.text.strip():
        return None
    if ocr_on:
        return Unread.UNREADABLE
    from packet import ocr

    return Unread.OCR_OFF if ocr.available() else Unread.NO_TESSERACT


def _ocr_advice(ran: bool) -> str:
    from packet import ocr

    if ran:
        return ""
    if ocr.available():
        return "Run the command without --no-ocr to read them with Tesseract (installed here). "
    return (
        "Tesseract, which reads scanned pages, is not installed on this computer: install it "
        f"({ocr.INSTALL}) and packet reads them by itself next time. "
    )


def _note_scanned(index: FolderIndex, ocr: bool) -> None:
    scanned = [
        d for d in index.included if d.kind in (FileKind.PDF, FileKind.IMAGE) and not d.has_text
    ]
    if scanned:
        index.problems.append(
            Problem(
                path=None,
                kind=ProblemKind.NO_TEXT,
                severity=Severity.WARNING,
                message=(
                    f"{plural(len(scanned), 'document')} "
                    + (
                        "is a scanned page or photo"
                        if len(scanned) == 1
                        else "are scanned pages or photos"
                    )
                    + " without readable text"
                    + (" (OCR found none either)" if ocr else "")
                    + "; packet could only go by their folder and file names to file and "
                    "date them."
                ),
                fix=_ocr_advice(ocr)
                + "Check their category and date in the documents list; correct any in documents.csv, or give them "
                "descriptive names such as 'CT chest 2026-03-05.pdf'.",
            )
        )


TYPE_TITLES = frozenset(DOCUMENT_TYPES.values())


def _apply_coded(doc: Document, coded: Facts, override: DocumentOverride | None) -> None:
    """What a C-CDA's header and coded entries say, over what its rendered text suggested: its
    own title, its author's organization and MRN, and its coded diagnoses and results."""
    if coded.title and not (override and override.title):
        doc.title = tidy_title(coded.title) or doc.title
    elif coded.organization and not (override and override.title) and doc.title in TYPE_TITLES:
        # a title that only names the type, as most summaries' do: whose summary it is tells
        # one contents row from the next
        doc.title = tidy_title(f"{doc.title} — {coded.organization}") or doc.title
    if coded.organization and doc.category is not Category.ADMINISTRATIVE:
        doc.institution = coded.organization
    doc.mrn = coded.mrn or doc.mrn
    doc.facts += coded_facts(coded)


def coded_facts(coded: Facts) -> list[Fact]:
    """A C-CDA's cancer diagnoses and oncology results as the clinical summary's facts: each
    coded item read through the same engine as text ("Estrogen receptor: Positive"), and a
    diagnosis row with its codes."""
    found: list[Fact] = []
    for problem in coded.problems:
        if problem.cancer:
            page = problem.page
            quote = f"coded problem: {problem.described}"[:200]
            found.append(
                Fact(kind=FactKind.DIAGNOSIS, value=problem.described, page=page, quote=quote)
            )
            found += [
                f.model_copy(update={"page": page, "quote": quote})
                for f in extract_facts([f"Diagnosis: {problem.name}"])
            ]
    for result in coded.results:
        if result.oncology:
            page = result.page
            line = f"{result.name}: {result.value}"
            found += [
                f.model_copy(update={"page": page, "quote": f"coded result: {line}"[:200]})
                for f in extract_facts([line])
            ]
    return list(dict.fromkeys(found))


def _folded(name: str) -> str:
    return " ".join(re.sub(r"[^\w.]+", " ", name.casefold()).split())


def record_medications(index: FolderIndex) -> list[Medication]:
    """The current medications coded in included records (C-CDA): active ones in a list of
    current medicines, never a negation ("no known medications"), one given in hospital or no
    longer taken. One row per medicine: the same one in several records keeps every source."""
    included = {d.path for d in index.included}
    merged: dict[str, Medication] = {}
    for path, facts in sorted(index.facts.items()):
        if path not in included:
            continue
        for m in facts.medications:
            if not m.current:
                continue
            key = _folded(m.name)
            if key in merged:
                known = merged[key]
                if path != known.source and path not in known.also:
                    known.also.append(path)
                continue
            merged[key] = Medication(
                name=m.name,
                dose=m.dose,
                how_often=m.how_often,
                started=m.started,
                source=path,
            )
    return list(merged.values())


def record_allergies(index: FolderIndex) -> list[Allergy]:
    """The allergies coded in included records, each with every record that codes it; "no known
    allergies" as one entry of its own (a record that says so is an answer too)."""
    included = {d.path for d in index.included}
    merged: dict[str, Allergy] = {}
    for path, facts in sorted(index.facts.items()):
        if path not in included:
            continue
        for allergy in facts.allergies:
            key = _folded(allergy.substance)
            if key not in merged:
                merged[key] = Allergy(
                    substance=allergy.substance, reaction=allergy.reaction, sources=[]
                )
            if path not in merged[key].sources:
                merged[key].sources.append(path)
            if allergy.reaction and not merged[key].reaction:
                merged[key].reaction = allergy.reaction
    return sorted(merged.values(), key=lambda a: (not a.substance, a.substance.casefold()))
