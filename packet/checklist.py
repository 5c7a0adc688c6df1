"""The second-opinion checklist: which items a complete packet holds, and the status of each for
this folder. The caregiver's status in packet.toml always wins: the check never nags about what
the caregiver has marked.
"""

from __future__ import annotations

from dataclasses import dataclass

from packet.index import FolderIndex, record_medications
from packet.models import (
    Category,
    ChecklistItem,
    Document,
    ExpectedCancer,
    ExpectedResult,
    ExpectedStatus,
    ItemStatus,
    TimelineType,
    record_order,
)
from packet.words import plural


@dataclass(frozen=True)
class ItemSpec:
    id: str
    label: str
    short: str  # the label in a terminal's narrow column
    requirement: str  # required | recommended | conditional
    categories: tuple[Category, ...]
    fix: str  # lines indented by two spaces are text to copy as they stand (see models.Problem)


CHECKLIST: tuple[ItemSpec, ...] = (
    ItemSpec("pathology", "Pathology reports", "Pathology reports", "required", (Category.PATHOLOGY,),
             "Ask the hospital's pathology department (or the patient portal) for every pathology "
             "report: biopsies, surgery, cytology and any outside review."),
    ItemSpec("slides", "Pathology slides / tissue blocks", "Slides / tissue blocks", "recommended", (),
             "Ask the pathology lab that holds the slides to send them (or the blocks) to the center, "
             "then write in packet.toml:\n  [checklist.slides]\n  status = \"pending\""),
    ItemSpec("imaging", "Imaging reports", "Imaging reports", "required", (Category.IMAGING,),
             "Download the radiology reports (CT, MRI, PET, mammogram, ultrasound) from the portal "
             "or ask the imaging center's records office."),
    ItemSpec("imaging_files", "Imaging scan files (DICOM disc)", "Scan files (DICOM)", "recommended", (),
             "Ask the imaging center for a disc of the scans and copy it into the records folder; "
             "or, once the disc is mailed to the center, write in packet.toml:\n"
             '  [checklist.imaging_files]\n  status = "sent_separately"'),
    ItemSpec("operative", "Operative and procedure notes", "Operative notes", "surgery", (Category.OPERATIVE,),
             "Ask the surgeon's office or hospital records for the operative report."),
    ItemSpec("clinic_notes", "Notes from key oncology visits", "Oncology visit notes", "required", (Category.CLINIC_NOTES,),
             "Download the consult and progress notes from the portal (Visits > notes) or ask the "
             "oncologist's office."),
    ItemSpec("biomarkers", "Biomarker, molecular and genetic results", "Biomarker results", "required", (Category.BIOMARKERS,),
             "Ask the oncologist's office for the biomarker reports (receptor status, genomic or "
             "germline tests); if tests are still running, write in packet.toml:\n"
             '  [checklist.biomarkers]\n  status = "pending"'),
    ItemSpec("treatment", "Treatment records (chemotherapy, radiation)", "Treatment records", "treatment", (Category.TREATMENT,),
             "Ask the infusion or radiation center for a treatment summary."),
    ItemSpec("medications", "Current medications, including supplements", "Medications", "required", (Category.MEDICATIONS,),
             "Fill in medications.csv (one row per medicine, vitamins and supplements too)."),
    ItemSpec("timeline", "Timeline of symptoms, tests and treatments", "Timeline", "required", (),
             "Fill in timeline.csv: one row per event under the first line\n  date,type,description"),
    ItemSpec("questions", "Questions for the second-opinion doctor", "Questions", "recommended", (),
             "Write your questions in questions.md, one per line."),
    ItemSpec("recommendation", "Current diagnosis and recommended plan", "Diagnosis and plan", "recommended", (),
             "Add an [[opinion]] to packet.toml with the diagnosis and plan you were given, or "
             "include the oncologist's note that states it."),
)  # fmt: skip


UNVERIFIED_FIX = (
    "Open each file: if it is what its name says but packet could not read it (a photo, a "
    "scan), confirm it with its line in the documents.csv block below; if it is not, this "
    "item is still missing."
)


def without_scans(index: FolderIndex) -> list[Document]:
    """The patient's imaging reports whose study is not on the copied disc (none of the disc's
    studies has their date): the scans a center may still ask for."""
    paired = {s.report for s in index.studies if s.report}
    return [
        d
        for d in record_order(index.included)
        if d.category is Category.IMAGING and d.filed_by_content and d.path not in paired
    ]


def _surgery_known(index: FolderIndex) -> str | None:
    patient = index.caregiver.settings.patient
    if patient.surgery:
        return "packet.toml says surgery has happened"
    if any(e.type is TimelineType.SURGERY for e in index.caregiver.timeline):
        return "timeline.csv has a surgery"
    if any(d.category is Category.OPERATIVE for d in index.included):
        return "an operative note is in the folder"
    included = {d.path for d in index.included}
    coded = sorted(
        (e.day, e.description)
        for path, facts in index.facts.items()
        if path in included
        for e in facts.events
        if e.kind == "surgery"
    )
    if coded:
        day, description = coded[-1]
        return f"a record codes a surgery ('{description}', {day})"
    return None


def _treatment_known(index: FolderIndex) -> str | None:
    patient = index.caregiver.settings.patient
    if patient.treatment_started:
        return "packet.toml says treatment has started"
    if any(e.type is TimelineType.TREATMENT for e in index.caregiver.timeline):
        return "timeline.csv has a treatment"
    if any(d.category is Category.TREATMENT for d in index.included):
        return "treatment records are in the folder"
    return None


def _biomarker_results(
    cancers: list[ExpectedCancer],
) -> list[tuple[ExpectedCancer, ExpectedResult]]:
    """What the biomarkers item weighs: a cancer's own results, not its staging or imaging, nor
    a result the guidance asks for only in some cases ("where indicated", "for advanced
    disease")."""
    return [
        (cancer, result)
        for cancer in cancers
        for result in cancer.results
        if result.biomarker and not result.when
    ]


def _biomarkers(
    cancers: list[ExpectedCancer], docs: list[str]
) -> tuple[ItemStatus, str, list[str], str] | None:
    """The biomarkers item after the table of expected results: present when the named cancer's
    expected results are found in any record, pending when some are said to be on their way,
    missing when some are not found, not applicable where the table expects none. None when no
    diagnosis is known: then a biomarker record is what counts."""
    if not cancers:
        return None
    rows = _biomarker_results(cancers)
    if not rows:
        if docs:
            return None
        if any(not c.covered for c in cancers):
            return (
                ItemStatus.NOT_APPLICABLE,
                "the table of expected results does not cover this diagnosis",
                [],
                "",
            )
        return (
            ItemStatus.NOT_APPLICABLE,
            "no result is expected in every case for this cancer",
            [],
            "",
        )
    found = [r for _, r in rows if r.status is ExpectedStatus.FOUND]
    pending = [r for _, r in rows if r.status is ExpectedStatus.PENDING]
    absent = [(c, r) for c, r in rows if r.status is ExpectedStatus.NOT_FOUND]
    where = sorted(
        {s.path for r in found for v in r.values for s in v.sources}
        | {s.path for r in pending for s in r.pending}
    )
    parts = []
    if found:
        parts.append("found: " + ", ".join(r.label for r in found))
    if pending:
        parts.append("pending: " + ", ".join(r.label for r in pending))
    if absent:
        parts.append("not found: " + ", ".join(r.label for _, r in absent))
        return ItemStatus.MISSING, "; ".join(parts), where, "\n".join(r.ask for _, r in absent)
    if pending:
        return ItemStatus.PENDING, "; ".join(parts), where, ""
    return ItemStatus.PRESENT, "; ".join(parts), where, ""


def evaluate_checklist(
    index: FolderIndex, expected: list[ExpectedCancer] | None = None
) -> list[ChecklistItem]:
    """`expected`: the clinical summary's expected results, which the biomarkers item follows."""
    data = index.caregiver
    items = []
    for spec in CHECKLIST:
        no_scans: list[str] = []
        biomarker_fix = ""
        filed = [d for d in index.included if d.category in spec.categories]
        docs = [d.path for d in filed if d.filed_by_content]
        by_name = [d.path for d in filed if not d.filed_by_content]
        required = spec.requirement == "required"
        requirement = spec.requirement
        status = ItemStatus.PRESENT if docs else ItemStatus.MISSING
        detail = plural(len(docs), "document") if docs else ""
        if by_name and not docs:
            status = ItemStatus.UNVERIFIED
            detail = f"{plural(len(by_name), 'record')} filed by name only"
        elif by_name:
            detail += f"; {plural(len(by_name), 'more')} filed by name only"

        if spec.requirement in ("surgery", "treatment"):
            known = (
                _surgery_known(index) if spec.requirement == "surgery" else _treatment_known(index)
            )
            if spec.requirement == "surgery":
                required = known is not None
                requirement = (
                    "required (surgery is known)" if known else "required if surgery has happened"
                )
            else:
                requirement = (
                    "recommended (treatment has started)"
                    if known
                    else "recommended once treatment starts"
                )
            if known is None and not filed:
                status = ItemStatus.NOT_APPLICABLE
                detail = (
                    "no surgery is known"
                    if spec.requirement == "surgery"
                    else "no treatment is known yet"
                )
            elif known:
                detail = f"{detail}; {known}" if detail else known
        elif spec.id == "imaging_files":
            if index.studies:
                status = ItemStatus.PRESENT
                images = sum(s.images for s in index.studies)
                detail = f"{plural(len(index.studies), 'scan study', 'scan studies')}, {plural(images, 'image')}"
                docs = sorted({s.folder for s in index.studies})
                unpaired = without_scans(index)
                no_scans = [d.path for d in unpaired]
                if unpaired:
                    detail += "; no scans on the disc for " + "; ".join(
                        f"{d.title} ({d.date or 'date unknown'})" for d in unpaired
                    )
        elif spec.id == "medications":
            found = record_medications(index)
            if found and not data.medications:
                status = ItemStatus.PRESENT
                sources = sorted({m.source for m in found})
                detail = f"{plural(len(found), 'medicine')} listed in the records" + (
                    f"; {detail}" if detail else ""
                )
                docs = sorted(set(docs) | set(sources))
            if data.medications:
                status = ItemStatus.PRESENT
                detail = f"medications.csv: {plural(len(data.medications), 'medicine')}" + (
                    f"; {detail}" if detail else ""
                )
        elif spec.id == "timeline":
            if data.timeline:
                status = ItemStatus.PRESENT
                detail = f"timeline.csv: {plural(len(data.timeline), 'event')}"
        elif spec.id == "questions":
            if data.questions:
                status = ItemStatus.PRESENT
                detail = f"questions.md: {plural(len(data.questions), 'question')}"
        elif spec.id == "biomarkers" and (after := _biomarkers(expected or [], docs)):
            status, detail, docs, asks = after
            if status is ItemStatus.NOT_APPLICABLE:
                required = False
            if asks:
                biomarker_fix = f"{asks}\n{spec.fix}"
        elif spec.id == "recommendation":
            notes = [
                d.path
                for d in index.included
                if d.category is Category.CLINIC_NOTES and d.filed_by_content
            ]
            if data.settings.opinion:
                status = ItemStatus.PRESENT
                detail = f"packet.toml: {plural(len(data.settings.opinion), 'opinion')}"
            elif notes:
                status = ItemStatus.PRESENT
                detail = "stated in the clinic notes"
                docs = notes

        entry = data.settings.checklist.get(spec.id)
        note = entry.note if entry else ""
        if entry and entry.status is not None:
            status = entry.status
            detail = "as marked in packet.toml" + (
                f"; {detail}" if detail and status is ItemStatus.PRESENT else ""
            )
        items.append(
            ChecklistItem(
                id=spec.id,
                label=spec.label,
                short=spec.short,
                status=status,
                required=required,
                requirement=requirement,
                documents=docs,
                unverified=by_name,
                no_scans=no_scans,
                note=note,
                detail=detail,
                fix=(biomarker_fix or spec.fix)
                if status is ItemStatus.MISSING
                else (UNVERIFIED_FIX if status is ItemStatus.UNVERIFIED else ""),
            )
        )
    return items
