"""`packet check`: the folder indexed against the checklist, as one Report."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from packet.caregiver import DATE_PLACEHOLDER, csv_row, load_caregiver_files
from packet.checklist import CHECKLIST, evaluate_checklist
from packet.errors import ExitCode, UsageError
from packet.index import (
    FolderIndex,
    Progress,
    index_folder,
    record_allergies,
    record_medications,
)
from packet.models import (
    ChecklistItem,
    DocumentOut,
    ItemStatus,
    LineFor,
    Problem,
    ProblemKind,
    Report,
    Severity,
)
from packet.ocr import wanted as ocr_wanted
from packet.reading import is_locked_pdf
from packet.requests import tracked_requests
from packet.scan import scan_folder
from packet.summary import clinical_summary
from packet.timeline import consistency_problems, merged_timeline


def require_folder(folder: Path) -> Path:
    if not folder.exists():
        raise UsageError(
            f"There is no folder '{folder}'.",
            "Check the spelling, or create it with `packet init FOLDER`.",
        )
    if not folder.is_dir():
        raise UsageError(
            f"'{folder}' is a file, not a folder.", "Give the folder that holds the records."
        )
    return folder


def _settings_problems(index: FolderIndex) -> list[Problem]:
    known = {spec.id for spec in CHECKLIST}
    return [
        Problem(
            path="packet.toml",
            kind=ProblemKind.CAREGIVER_FILE,
            severity=Severity.WARNING,
            message=f"packet.toml has [checklist.{name}], which is not a checklist item.",
            fix="Use one of: " + ", ".join(sorted(known)) + ".",
        )
        for name in sorted(set(index.caregiver.settings.checklist) - known)
    ]


def _appointment_problems(index: FolderIndex) -> list[Problem]:
    """The cover prints the appointment: one already past is more likely stale than wanted."""
    when = index.caregiver.settings.second_opinion.appointment
    if not isinstance(when, date) or when >= index.today:
        return []
    return [
        Problem(
            path="packet.toml",
            kind=ProblemKind.CAREGIVER_FILE,
            severity=Severity.WARNING,
            message=f"The appointment in packet.toml, {when.isoformat()}, is before today; "
            "the cover would print it as the appointment.",
            fix="Write the new date under [second_opinion] in packet.toml, like:\n"
            "  appointment = YYYY-MM-DD\nor delete the line if there is no appointment yet.",
        )
    ]


def _patient_problems(index: FolderIndex) -> list[Problem]:
    patient = index.caregiver.settings.patient
    missing = [
        label
        for label, value in (("name", patient.name), ("date of birth", patient.date_of_birth))
        if not value
    ]
    if not missing:
        return []
    return [
        Problem(
            path="packet.toml",
            kind=ProblemKind.MISSING_PATIENT,
            severity=Severity.ERROR,
            message=f"packet.toml does not give the patient's {' and '.join(missing)}; "
            "build stamps them on every page and will not start without them.",
            fix="Under the line [patient] in packet.toml (packet init FOLDER creates the file), "
            "write these two lines with the patient's name and date of birth (year-month-day) "
            'in place of the examples:\n  name = "Ana Example"\n  date_of_birth = 1961-04-02',
        )
    ]


def build_refusal(problems: list[Problem]) -> tuple[ExitCode, str] | None:
    """What `build` would stop on, so that `check` never calls a packet complete that it is not."""
    for problem in problems:
        if problem.kind is ProblemKind.MISSING_PATIENT:
            return ExitCode.CAREGIVER_FILE, "packet.toml lacks the patient's name or date of birth"
        if problem.kind is ProblemKind.IDENTITY_CONFLICT:
            return ExitCode.IDENTITY, "packet.toml's date of birth contradicts the records"
        if problem.kind is ProblemKind.SETTINGS_UNREADABLE:
            return ExitCode.CAREGIVER_FILE, "packet.toml cannot be read in full"
    return None


def _unverified_problems(index: FolderIndex, checklist: list[ChecklistItem]) -> list[Problem]:
    """Each record that alone stands for a checklist item by its name, with the documents.csv
    line that confirms it — for the caregiver to write only after opening the file."""
    docs = {d.path: d for d in index.included}
    problems = []
    for item in checklist:
        if item.status is not ItemStatus.UNVERIFIED:
            continue  # present on other records' strength, or as the caregiver marked it
        for path in item.unverified:
            doc = docs[path]
            problems.append(
                Problem(
                    path=path,
                    kind=ProblemKind.UNCLASSIFIED,
                    severity=Severity.WARNING,
                    message=f"Filed under '{doc.category.label}' by its name only: nothing packet "
                    f"could read in it says so, so '{item.short or item.label}' is not verified.",
                    fix="Open it. If it is what its name says, confirm it with its line in the "
                    "documents.csv block below; if it is not, ask for the real record.",
                    line=csv_row(
                        [
                            path,
                            doc.category.value,
                            doc.date.isoformat() if doc.date else DATE_PLACEHOLDER,
                            "",
                            "yes",
                        ]
                    ),
                    line_for=LineFor.CONFIRM,
                )
            )
    return problems


def build_report(index: FolderIndex) -> Report:
    documents = [DocumentOut.of(d) for d in index.documents]
    timeline = merged_timeline(index)
    summary = clinical_summary(
        documents, timeline, index.studies, index.caregiver.settings.patient.diagnosis
    )
    checklist = evaluate_checklist(index, summary.expected)
    problems = (
        _patient_problems(index)
        + index.problems
        + _unverified_problems(index, checklist)
        + _settings_problems(index)
        + _appointment_problems(index)
        + consistency_problems(index)
    )
    code, reason = build_refusal(problems) or (ExitCode.OK, "")
    return Report(
        build_refusal=reason,
        build_refusal_code=int(code),
        folder=str(index.folder),
        patient_name=index.caregiver.settings.patient.name,
        documents=documents,
        imaging_studies=index.studies,
        checklist=checklist,
        timeline=timeline,
        medications=index.caregiver.medications + record_medications(index),
        questions=index.caregiver.questions,
        caregiver_files=index.caregiver.files,
        ignored=index.ignored,
        problems=problems,
        summary=summary,
        allergies=record_allergies(index),
        other_studies=index.other_studies,
        requests=tracked_requests(index.caregiver.settings, index.today),
    )


def check_folder(
    folder: Path,
    progress: Progress | None = None,
    today: date | None = None,
    passwords: Mapping[str, str] | None = None,
    ocr: bool | None = False,
    layout: bool = False,
    cache: bool = True,
) -> tuple[Report, FolderIndex]:
    """`ocr`: True to read scans with Tesseract (which must be installed), None to read them
    whenever Tesseract is installed, False not to. `cache`: keep and reuse what OCR reads."""
    use_ocr = ocr_wanted(ocr)
    index = index_folder(require_folder(folder), progress, today, passwords, use_ocr, layout, cache)
    return build_report(index), index


def locked_files(folder: Path) -> list[str]:
    """The PDFs that ask for a password packet.toml does not give, found without reading the
    whole folder: --ask-passwords asks for these before the folder is read once, with them."""
    data = load_caregiver_files(require_folder(folder))
    return [
        found.relative
        for found in scan_folder(folder).files
        if is_locked_pdf(found.path, data.password_for(found.relative))
    ]
