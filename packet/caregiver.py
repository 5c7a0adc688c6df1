"""Reading the files the caregiver writes: packet.toml, timeline.csv, medications.csv,
questions.md and documents.csv.

Each mistake becomes a Problem naming the file, the line, what is wrong and an example of a
right value, and the rest of the file is still used: one typo must not hide the whole timeline.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from packet.dates import DateOrder, parse_date
from packet.models import (
    CaregiverFile,
    Category,
    ItemStatus,
    Medication,
    PartialDate,
    Problem,
    ProblemKind,
    Severity,
    TimelineEvent,
    TimelineType,
)
from packet.paths import caregiver_file_refusal

PACKET_TOML = "packet.toml"
TIMELINE_CSV = "timeline.csv"
MEDICATIONS_CSV = "medications.csv"
QUESTIONS_MD = "questions.md"
DOCUMENTS_CSV = "documents.csv"
DOCUMENTS_HEADER = "path,category,date,title,include"
# What `check` writes in a documents.csv line it suggests, for the caregiver to replace; read
# back, they mean "not filled in", never a category or a date.
CATEGORY_PLACEHOLDER = "CATEGORY"
DATE_PLACEHOLDER = "YYYY-MM-DD"
CAREGIVER_FILES = (PACKET_TOML, TIMELINE_CSV, MEDICATIONS_CSV, QUESTIONS_MD, DOCUMENTS_CSV)

# Words caregivers naturally write for a status, mapped onto the five statuses.
STATUS_WORDS: dict[str, ItemStatus] = {
    "present": ItemStatus.PRESENT, "done": ItemStatus.PRESENT, "have": ItemStatus.PRESENT,
    "included": ItemStatus.PRESENT,
    "missing": ItemStatus.MISSING, "needed": ItemStatus.MISSING,
    "pending": ItemStatus.PENDING, "requested": ItemStatus.PENDING, "ordered": ItemStatus.PENDING,
    "on its way": ItemStatus.PENDING, "waiting": ItemStatus.PENDING,
    "sent_separately": ItemStatus.SENT_SEPARATELY, "sent separately": ItemStatus.SENT_SEPARATELY,
    "sent": ItemStatus.SENT_SEPARATELY, "mailed": ItemStatus.SENT_SEPARATELY,
    "shipped": ItemStatus.SENT_SEPARATELY,
    "not_applicable": ItemStatus.NOT_APPLICABLE, "not applicable": ItemStatus.NOT_APPLICABLE,
    "n/a": ItemStatus.NOT_APPLICABLE, "na": ItemStatus.NOT_APPLICABLE,
    "not available": ItemStatus.NOT_APPLICABLE, "none": ItemStatus.NOT_APPLICABLE,
}  # fmt: skip


class Patient(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str = ""
    date_of_birth: dt.date | None = None
    diagnosis: str = ""
    stage: str = ""
    treating_doctor: str = ""
    allergies: str = ""  # "Penicillin (rash)"; "none known" is an answer too
    surgery: bool | None = None  # has the patient had surgery? None: packet works it out
    treatment_started: bool | None = None

    @field_validator("date_of_birth", mode="before")
    @classmethod
    def _any_date_form(cls, value: Any) -> Any:
        if isinstance(value, str):
            if not value.strip():
                return None
            parsed = parse_date(value)
            if parsed is None:
                raise ValueError(f"'{value}' is not a date; write it like 1961-04-02")
            other = parse_date(value, DateOrder.DAY_FIRST)
            if other is not None and other != parsed:
                raise ValueError(
                    f"'{value}' could be {parsed.isoformat()} or {other.isoformat()}; "
                    f"write it as year-month-day, like {other.isoformat()}"
                )
            return parsed
        return value

    @field_validator("name", mode="before")
    @classmethod
    def _one_line(cls, value: Any) -> Any:
        """A name is stamped on every page: blank spaces, tabs and line breaks are not a name,
        and inside one they are one space."""
        if isinstance(value, str):
            return " ".join("".join(c if c.isprintable() else " " for c in value).split())
        return value

    @field_validator("allergies", mode="before")
    @classmethod
    def _list_as_text(cls, value: Any) -> Any:
        return "; ".join(str(v) for v in value) if isinstance(value, list) else value


class Contact(BaseModel):
    """Who the center calls about the packet: usually the caregiver."""

    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True)  # phone = 5550100

    name: str = ""
    relationship: str = ""  # to the patient: "son", "wife", "self"
    phone: str = ""
    email: str = ""
    address: str = ""  # where records may be mailed back: the request letters print it


class Referring(BaseModel):
    """The doctor who refers the patient, whom the center writes back to."""

    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True)  # phone = 5550100

    doctor: str = ""
    practice: str = ""
    phone: str = ""
    fax: str = ""


class SecondOpinion(BaseModel):
    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True)

    center: str = ""
    doctor: str = ""
    appointment: dt.date | str | None = None
    # Where slides and discs are sent: the request letters print them.
    address: str = ""
    contact: str = ""  # the person or office at the center who receives them
    phone: str = ""
    fax: str = ""
    email: str = ""


def _a_date(value: Any) -> Any:
    """A date written in quotes ("2026-12-01") is read as one; anything else is left for
    pydantic to refuse with a clear message."""
    if isinstance(value, str):
        if not value.strip():
            return None
        parsed = parse_date(value)
        if parsed is None:
            raise ValueError(f"'{value}' is not a date; write it like 2026-12-01")
        return parsed
    return value


class Tracked(BaseModel):
    """What the family asked for and when: a request is due 30 days after it was sent (the
    HIPAA right of access), and once received it is no longer asked for."""

    requested: dt.date | None = None
    received: dt.date | None = None

    @field_validator("requested", "received", mode="before")
    @classmethod
    def _dates(cls, value: Any) -> Any:
        return _a_date(value)


class ChecklistEntry(Tracked):
    status: ItemStatus | None = None
    note: str = ""

    @field_validator("status", mode="before")
    @classmethod
    def _status_word(cls, value: Any) -> Any:
        if isinstance(value, str):
            word = " ".join(value.strip().lower().replace("-", " ").split())
            if word in STATUS_WORDS:
                return STATUS_WORDS[word]
            if word.replace(" ", "_") in STATUS_WORDS:
                return STATUS_WORDS[word.replace(" ", "_")]
            raise ValueError(
                f"'{value}' is not a status; use present, missing, pending, sent_separately "
                "or not_applicable"
            )
        return value


class Opinion(BaseModel):
    """One doctor's current diagnosis and recommended plan."""

    model_config = ConfigDict(extra="allow")

    doctor: str = ""
    institution: str = ""
    date: str = ""
    diagnosis: str = ""
    stage: str = ""
    goal: str = ""
    treatment_sequence: str = ""
    expected_benefits: str = ""
    risks: str = ""
    start_by: str = ""
    tests_used: str = ""
    would_change_plan: str = ""

    @field_validator("*", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        if isinstance(value, list):
            return "; ".join(str(v) for v in value)
        if isinstance(value, dt.date):
            return value.isoformat()
        return value


class Reading(BaseModel):
    date_order: DateOrder = DateOrder.MONTH_FIRST


class InstitutionEntry(BaseModel):
    """An institution the records name, as the family knows it: where to write, and what was
    asked of it (one table per letter: slides, records, imaging)."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)

    address: str = ""
    phone: str = ""
    fax: str = ""
    department: str = ""  # "Health Information Management": whom the letters are addressed to
    slides: Tracked | None = None
    records: Tracked | None = None
    imaging: Tracked | None = None


class PacketSettings(BaseModel):
    """packet.toml as a whole."""

    patient: Patient = Field(default_factory=Patient)
    contact: Contact = Field(default_factory=Contact)
    referring: Referring = Field(default_factory=Referring)
    second_opinion: SecondOpinion = Field(default_factory=SecondOpinion)
    checklist: dict[str, ChecklistEntry] = Field(default_factory=dict)
    opinion: list[Opinion] = Field(default_factory=list)
    passwords: dict[str, str] = Field(default_factory=dict)
    reading: Reading = Field(default_factory=Reading)
    institutions: dict[str, InstitutionEntry] = Field(default_factory=dict)


class DocumentOverride(BaseModel):
    path: str
    category: Category | None = None
    date: dt.date | None = None
    title: str = ""
    include: bool = True
    confirmed: bool = False  # include = yes written out: kept even if it names another patient


@dataclass
class CaregiverData:
    """Everything the caregiver wrote, already validated."""

    settings: PacketSettings = field(default_factory=PacketSettings)
    timeline: list[TimelineEvent] = field(default_factory=list)
    medications: list[Medication] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    overrides: dict[str, DocumentOverride] = field(default_factory=dict)
    files: list[CaregiverFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def password_for(self, relative_path: str) -> list[str]:
        """Passwords to try for a locked PDF: one set for its path or its bare name."""
        name = relative_path.rsplit("/", 1)[-1]
        keys = (relative_path, name, relative_path.lower(), name.lower())
        found = [
            pw for key, pw in self.settings.passwords.items() if key in keys or key.lower() in keys
        ]
        return found + [pw for key, pw in self.settings.passwords.items() if key == "*"]


def _problem(path: str, message: str, fix: str) -> Problem:
    return Problem(
        path=path,
        kind=ProblemKind.CAREGIVER_FILE,
        severity=Severity.ERROR,
        message=message,
        fix=fix,
    )


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")


def _read_text(path: Path) -> str:
    """A caregiver file as text, in whatever encoding an editor or spreadsheet saved it:
    UTF-8 (with or without a byte-order mark), UTF-16 or UTF-32 ("Unicode" in Notepad and
    Excel), or Windows' own code page."""
    raw = path.read_bytes()
    if raw.startswith(UTF32_BOMS):
        return raw.decode("utf-32", errors="replace")
    if raw.startswith(UTF16_BOMS):
        return raw.decode("utf-16", errors="replace")
    even, odd = raw[0:200:2], raw[1:200:2]
    if len(raw) >= 4 and odd.count(0) > len(odd) * 0.4 and not even.count(0):
        return raw.decode("utf-16-le", errors="replace")  # UTF-16 written without its mark
    if len(raw) >= 4 and even.count(0) > len(even) * 0.4 and not odd.count(0):
        return raw.decode("utf-16-be", errors="replace")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")  # spreadsheet programs on Windows


def _pydantic_message(error: ValidationError) -> str:
    parts = []
    for e in error.errors():
        where = ".".join(str(p) for p in e["loc"])
        if e["type"] == "extra_forbidden":  # a key of an [institutions."…"] table
            known = [*InstitutionEntry.model_fields]
            parts.append(
                f"{where}: packet does not know it. {_did_you_mean(str(e['loc'][-1]), known)}"
            )
            continue
        parts.append(f"{where}: {e['msg'].removeprefix('Value error, ')}")
    return "; ".join(parts)


def _nest(dotted: str, value: Any) -> dict[str, Any]:
    head, _, rest = dotted.partition(".")
    return {head: _nest(rest, value) if rest else value}


def _before_the_error(text: str, exc: tomllib.TOMLDecodeError) -> dict[str, Any]:
    """What can be kept of a packet.toml with a syntax error: the sections that end before the
    line of the error (a section is whole or not used at all)."""
    line = getattr(exc, "lineno", None)
    if line is None:
        found = re.search(r"line (\d+)", str(exc))
        line = int(found.group(1)) if found else 0
    lines = text.splitlines()[: max(0, line - 1)]
    while lines and not lines[-1].lstrip().startswith("["):
        lines.pop()  # back to the start of the section holding the error
    if lines:
        lines.pop()
    try:
        return tomllib.loads("\n".join(lines))
    except tomllib.TOMLDecodeError:
        return {}


def load_settings(folder: Path, data: CaregiverData) -> None:
    path = folder / PACKET_TOML
    if not path.is_file():
        return
    text = _read_text(path)  # an OSError is reported by load_caregiver_files
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raw = _before_the_error(text, exc)
        data.problems.append(
            Problem(
                path=PACKET_TOML,
                kind=ProblemKind.SETTINGS_UNREADABLE,
                severity=Severity.ERROR,
                message=f"packet.toml cannot be read: {exc}"
                + (
                    "; the sections before that line are used, the rest is not."
                    if raw
                    else "; none of it can be used."
                ),
                fix='Check the quotes and brackets on that line: text in "quotes" '
                '(name = "Ana Example"), dates as 1961-04-02. `packet init` in an empty folder '
                "shows a correct file.",
            )
        )
        if not raw:
            return
    data.problems.extend(_unknown_keys(raw, text))
    # Each section, and each checklist entry, stands on its own: one bad value loses only itself.
    settings = PacketSettings()
    sections: list[tuple[str, Any]] = [
        (k, v) for k, v in raw.items() if k not in ("checklist", "institutions")
    ]
    sections += [(f"checklist.{k}", v) for k, v in (raw.get("checklist") or {}).items()]
    places = raw.get("institutions")
    if isinstance(places, dict):  # a name may hold dots ("St. Mary's"): nested by hand
        sections += [(f"institutions.{k}", v) for k, v in places.items()]
    elif places is not None:
        sections.append(("institutions", places))
    for key, value in sections:
        try:
            section, _, name = key.partition(".")
            nested = {section: {name: value}} if section == "institutions" and name else None
            partial = PacketSettings.model_validate(nested or _nest(key, value))
        except ValidationError as exc:
            deep = 2 if key.startswith("institutions.") else 1  # past the institution's name
            fields = [e["loc"][deep] for e in exc.errors() if len(e["loc"]) > deep]
            line = _line_of(text, str(fields[0])) if fields else _line_of(text, "", key)
            data.problems.append(
                _problem(
                    PACKET_TOML,
                    f"packet.toml{f' line {line}' if line else ''} has a value packet cannot "
                    f"use: {_pydantic_message(exc)}",
                    "Correct that value (dates like 1961-04-02; statuses present, missing, pending, "
                    "sent_separately or not_applicable).",
                )
            )
            # The rest of the section is still used: one bad date of birth must not lose the name.
            bad = {e["loc"][deep] for e in exc.errors() if len(e["loc"]) > deep}
            if not isinstance(value, dict) or not bad or ("." in key and not nested):
                continue
            kept = {k: v for k, v in value.items() if k not in bad}
            try:
                partial = PacketSettings.model_validate(
                    {section: {name: kept}} if nested else _nest(key, kept)
                )
            except ValidationError:
                continue
        if key.startswith("checklist."):
            settings.checklist.update(partial.checklist)
        elif key.startswith("institutions."):
            settings.institutions.update(partial.institutions)
        elif key in PacketSettings.model_fields:
            setattr(settings, key, getattr(partial, key))
    data.settings = settings
    data.files.append(CaregiverFile(path=PACKET_TOML, role="patient and settings", rows=len(raw)))


def _line_of(text: str, key: str, section: str = "") -> int | None:
    """The line where `key` (or the [section] header, when key is empty) is written."""
    pattern = (
        rf"^\s*\[\s*{re.escape(section)}\s*\]"
        if not key
        else rf"^\s*[\"']?{re.escape(key)}[\"']?\s*="
    )
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(pattern, line):
            return number
    return None


def _did_you_mean(word: str, known: Iterable[str]) -> str:
    choices = sorted(known)
    close = get_close_matches(word.replace("-", "_").lower(), choices, n=1, cutoff=0.6)
    return f"Did you mean `{close[0]}`?" if close else "Known: " + ", ".join(choices) + "."


def _unknown_keys(raw: dict[str, Any], text: str) -> list[Problem]:
    """Keys and sections packet does not know, derived from the models so new fields are known."""
    problems = []
    for section, value in raw.items():
        if section not in PacketSettings.model_fields:
            line = _line_of(text, "", section) or _line_of(text, section)
            problems.append(
                _problem(
                    PACKET_TOML,
                    f"packet.toml{f' line {line}' if line else ''} has [{section}], "
                    "which packet does not know: it is ignored.",
                    _did_you_mean(section, PacketSettings.model_fields),
                )
            )
            continue
        model = PacketSettings.model_fields[section].annotation
        if isinstance(model, type) and issubclass(model, BaseModel) and isinstance(value, dict):
            for key in value:
                if key not in model.model_fields:
                    line = _line_of(text, key)
                    problems.append(
                        _problem(
                            PACKET_TOML,
                            f"packet.toml{f' line {line}' if line else ''} has `{key}` under "
                            f"[{section}], which packet does not know: it is ignored.",
                            _did_you_mean(key, model.model_fields),
                        )
                    )
    return problems


def _separator(text: str) -> str:
    """Comma, or the semicolon or tab a European or exported spreadsheet writes, read from the
    header line."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: first.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


MAX_CELL = 1000  # characters in one cell: a long note, not a pasted page
MAX_PATH_CELL = 4000  # a path may be long, but not a book


def _csv_rows(
    path: Path, problems: list[Problem]
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The rows of one of the caregiver's CSV files, each cell cut to a bound (a cell of
    100,000 characters would otherwise cost minutes and gigabytes to lay out on a page), with
    a problem naming the line and column of each cut."""
    text = _read_text(path)
    reader = csv.DictReader(io.StringIO(text), delimiter=_separator(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    rows = []
    for row in reader:
        clean = {
            (k or "").strip().lower(): (v or "").strip() if isinstance(v, str) else ""
            for k, v in row.items()
        }
        for column, value in clean.items():
            bound = MAX_PATH_CELL if column == "path" else MAX_CELL
            if len(value) > bound:
                clean[column] = value[:bound]
                problems.append(
                    _problem(
                        path.name,
                        f"{path.name} line {reader.line_num}, column {column or '(no name)'}: "
                        f"{len(value):,} characters; packet keeps the first {bound:,}",
                        "Shorten it: a title or a note of a line or two is enough.",
                    )
                )
        if any(clean.values()) and not next(iter(clean.values()), "").startswith("#"):
            rows.append((reader.line_num, clean))
    return header, rows


def parse_partial_date(text: str, order: DateOrder = DateOrder.MONTH_FIRST) -> PartialDate | None:
    text = text.strip()
    if m := re.fullmatch(r"((?:19|20)\d\d)", text):
        return PartialDate(year=int(m.group(1)))
    if m := re.fullmatch(r"((?:19|20)\d\d)[-/.](\d{1,2})", text):
        month = int(m.group(2))
        return PartialDate(year=int(m.group(1)), month=month) if 1 <= month <= 12 else None
    if m := re.fullmatch(r"(\d{1,2})[-/.]((?:19|20)\d\d)", text):
        month = int(m.group(1))
        return PartialDate(year=int(m.group(2)), month=month) if 1 <= month <= 12 else None
    full = parse_date(text, order)
    return PartialDate.of(full) if full else None


TIMELINE_TYPE_WORDS: dict[str, TimelineType] = {t.value: t for t in TimelineType} | {
    "symptoms": TimelineType.SYMPTOM, "scan": TimelineType.TEST, "imaging": TimelineType.TEST,
    "biopsy": TimelineType.TEST, "lab": TimelineType.TEST, "labs": TimelineType.TEST,
    "appointment": TimelineType.VISIT, "consult": TimelineType.VISIT,
    "operation": TimelineType.SURGERY, "procedure": TimelineType.SURGERY,
    "chemo": TimelineType.TREATMENT, "chemotherapy": TimelineType.TREATMENT,
    "radiation": TimelineType.TREATMENT, "medication": TimelineType.TREATMENT,
    "": TimelineType.OTHER,
}  # fmt: skip


_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})\s*$")


def _file_date_order(name: str, dates: list[tuple[int, str]], data: CaregiverData) -> DateOrder:
    """Day-first or month-first for one file: [reading] date_order when packet.toml sets it,
    else what its unambiguous rows say (15/09/2026 can only be day-first). Rows that could be
    either are named when the file mixes orders or nothing settles it."""
    reading = data.settings.reading
    votes: dict[DateOrder, list[int]] = {DateOrder.DAY_FIRST: [], DateOrder.MONTH_FIRST: []}
    ambiguous = []
    for line, text in dates:
        m = _NUMERIC_DATE.match(text)
        if not m:
            continue
        a, b = int(m.group(1)), int(m.group(2))
        if a > 12 >= b:
            votes[DateOrder.DAY_FIRST].append(line)
        elif b > 12 >= a:
            votes[DateOrder.MONTH_FIRST].append(line)
        elif a != b and 1 <= a <= 12 and 1 <= b <= 12:
            ambiguous.append(line)
    if "date_order" in reading.model_fields_set:
        return reading.date_order
    day, month = votes[DateOrder.DAY_FIRST], votes[DateOrder.MONTH_FIRST]
    order = DateOrder.DAY_FIRST if len(day) > len(month) else reading.date_order
    if day and month:
        data.problems.append(
            _problem(
                name,
                f"{name} mixes day-first (line {', '.join(map(str, day))}) and month-first "
                f"(line {', '.join(map(str, month))}) dates.",
                "Write every date as year-month-day, like 2026-09-15.",
            )
        )
    elif ambiguous and not (day or month):
        data.problems.append(
            _problem(
                name,
                f"{name}: the dates on line {', '.join(map(str, ambiguous))} read two ways "
                f"(day-first or month-first); they are read {order.value}.",
                "Write them as year-month-day, like 2026-01-12, or set date_order under "
                "[reading] in packet.toml.",
            )
        )
    return order


def load_timeline(folder: Path, data: CaregiverData) -> None:
    path = folder / TIMELINE_CSV
    if not path.is_file():
        return
    header, rows = _csv_rows(path, data.problems)
    if "date" not in header or "description" not in header:
        data.problems.append(
            _problem(
                TIMELINE_CSV,
                f"timeline.csv needs the columns date, type, description; it has {', '.join(header) or 'none'}",
                "Make the first line exactly: date,type,description",
            )
        )
        return
    order = _file_date_order(TIMELINE_CSV, [(n, r.get("date", "")) for n, r in rows], data)
    for line, row in rows:
        when = parse_partial_date(row.get("date", ""), order)
        kind = TIMELINE_TYPE_WORDS.get(row.get("type", "").lower())
        where = f"timeline.csv line {line}"
        if when is None:
            data.problems.append(
                _problem(
                    TIMELINE_CSV,
                    f"{where}, column date: '{row.get('date', '')}' is not a date",
                    "Write dates as 2026-02-10, or 2026-02 or 2026 when the day is not known.",
                )
            )
            continue
        if kind is None:
            data.problems.append(
                _problem(
                    TIMELINE_CSV,
                    f"{where}, column type: '{row.get('type', '')}' is not a type",
                    "Use one of: " + ", ".join(t.value for t in TimelineType) + ".",
                )
            )
            kind = TimelineType.OTHER
        description = row.get("description", "")
        if not description:
            data.problems.append(
                _problem(
                    TIMELINE_CSV,
                    f"{where}, column description: empty",
                    "Say what happened, e.g. 'Core needle biopsy, left breast'.",
                )
            )
            continue
        if when.sort_key > _soon():
            data.problems.append(
                Problem(
                    path=TIMELINE_CSV,
                    kind=ProblemKind.CAREGIVER_FILE,
                    severity=Severity.WARNING,
                    message=f"{where}: {when} is in the future. Was a date written day first "
                    "(12/01 for 12 January) read month first?",
                    fix="If it is a planned date, nothing to do; otherwise write it as "
                    "year-month-day, e.g. 2026-01-12.",
                )
            )
        data.timeline.append(
            TimelineEvent(date=when, type=kind, description=description, source=where)
        )
    data.files.append(CaregiverFile(path=TIMELINE_CSV, role="timeline", rows=len(data.timeline)))


FUTURE_GRACE = dt.timedelta(days=7)  # an appointment next week is not a typo


def _soon() -> tuple[int, int, int]:
    """The latest a timeline date may sort and not look like a misread one."""
    day = dt.date.today() + FUTURE_GRACE
    return (day.year, day.month, day.day)


def load_medications(folder: Path, data: CaregiverData) -> None:
    path = folder / MEDICATIONS_CSV
    if not path.is_file():
        return
    header, rows = _csv_rows(path, data.problems)
    if "name" not in header:
        data.problems.append(
            _problem(
                MEDICATIONS_CSV,
                f"medications.csv needs a name column; it has {', '.join(header) or 'none'}",
                "Make the first line exactly: name,dose,how_often,reason,started,notes",
            )
        )
        return
    for line, row in rows:
        if not row.get("name"):
            data.problems.append(
                _problem(
                    MEDICATIONS_CSV,
                    f"medications.csv line {line}, column name: empty",
                    "Write the medicine's name, e.g. letrozole or vitamin D3.",
                )
            )
            continue
        fields = {k: row.get(k, "") for k in Medication.model_fields if k != "also"}
        data.medications.append(Medication.model_validate(fields))
    data.files.append(
        CaregiverFile(path=MEDICATIONS_CSV, role="medications", rows=len(data.medications))
    )


def load_questions(folder: Path, data: CaregiverData) -> None:
    path = folder / QUESTIONS_MD
    if not path.is_file():
        return
    in_comment = False
    for raw in _read_text(path).splitlines():
        line = raw.strip()
        if line.startswith("<!--"):
            in_comment = "-->" not in line
            continue
        if in_comment:
            in_comment = "-->" not in line
            continue
        if not line or line.startswith("#"):
            continue  # headings organize the file; they are not questions
        text = re.sub(r"^([-*+]|\d+[.)])\s+", "", line).strip()
        text = re.sub(r"^\[[ xX]\]\s*", "", text)
        if text:
            data.questions.append(text)
    data.files.append(CaregiverFile(path=QUESTIONS_MD, role="questions", rows=len(data.questions)))


def csv_row(cells: list[str]) -> str:
    """One documents.csv row, quoted as CSV, so that a comma in a path is safe."""
    line = io.StringIO()
    csv.writer(line, lineterminator="").writerow(cells)
    return line.getvalue()


def load_overrides(folder: Path, data: CaregiverData) -> None:
    path = folder / DOCUMENTS_CSV
    if not path.is_file():
        return
    header, rows = _csv_rows(path, data.problems)
    if "path" not in header:
        data.problems.append(
            _problem(
                DOCUMENTS_CSV,
                "documents.csv needs a path column",
                f"Make the first line exactly:\n  {DOCUMENTS_HEADER}",
            )
        )
        return
    for line, row in rows:
        where = f"documents.csv line {line}"
        values: dict[str, Any] = {"path": row["path"].replace("\\", "/").strip("/")}
        for column, placeholder in (("category", CATEGORY_PLACEHOLDER), ("date", DATE_PLACEHOLDER)):
            if (row.get(column) or "").strip().upper() == placeholder:
                row[column] = ""
                data.problems.append(
                    _problem(
                        DOCUMENTS_CSV,
                        f"{where}, column {column}: still the placeholder {placeholder}",
                        f"Write the document's {column} in its place"
                        + (" (like 2026-02-10)" if column == "date" else "")
                        + ", or leave the column empty.",
                    )
                )
        if row.get("category"):
            try:
                values["category"] = Category(row["category"].strip().lower())
            except ValueError:
                data.problems.append(
                    _problem(
                        DOCUMENTS_CSV,
                        f"{where}, column category: '{row['category']}' is not a category",
                        "Use one of: " + ", ".join(c.value for c in Category) + ".",
                    )
                )
        if row.get("date"):
            parsed = parse_date(row["date"], data.settings.reading.date_order)
            if parsed is None:
                data.problems.append(
                    _problem(
                        DOCUMENTS_CSV,
                        f"{where}, column date: '{row['date']}' is not a date",
                        "Write it like 2026-02-10.",
                    )
                )
            else:
                values["date"] = parsed
        values["title"] = row.get("title", "")
        values["include"] = row.get("include", "yes").lower() not in ("no", "n", "false", "0")
        values["confirmed"] = row.get("include", "").strip().lower() in ("yes", "y", "true", "1")
        override = DocumentOverride.model_validate(values)
        data.overrides[override.path] = override
    data.files.append(
        CaregiverFile(path=DOCUMENTS_CSV, role="document overrides", rows=len(data.overrides))
    )


def load_caregiver_files(folder: Path) -> CaregiverData:
    data = CaregiverData()
    # packet.toml first: its reading settings (day-first dates) shape how the others are read.
    loaders = (
        (PACKET_TOML, load_settings),
        (TIMELINE_CSV, load_timeline),
        (MEDICATIONS_CSV, load_medications),
        (QUESTIONS_MD, load_questions),
        (DOCUMENTS_CSV, load_overrides),
    )
    for name, loader in loaders:
        refusal = caregiver_file_refusal(folder / name, folder)
        if refusal:
            data.problems.append(
                _problem(
                    name,
                    f"{name} {refusal}; packet reads only the file itself, in the records folder.",
                    f"Put the real {name} in the records folder in place of it.",
                )
            )
            continue
        try:
            loader(folder, data)
        except RecursionError:
            data.problems.append(
                _problem(
                    name,
                    f"{name} nests lists or tables inside each other too deeply to be read; "
                    "none of it is used.",
                    f"Open {name} and remove the deeply nested brackets; `packet init` in an "
                    "empty folder shows a correct file.",
                )
            )
        except (OSError, csv.Error) as exc:
            data.problems.append(
                _problem(
                    name,
                    f"{name} cannot be read ({exc.__class__.__name__})",
                    "Check that the file opens, and save it as plain text (CSV UTF-8 for .csv).",
                )
            )
    return data
