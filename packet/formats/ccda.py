"""C-CDA health summaries (the XML a patient portal's "download my record" gives: a CCD,
a discharge summary, a progress or consultation note…), from any EHR vendor.

Recognized by content, parsed safely (defusedxml: no DTDs, no external entities, nothing
fetched) and rendered as text: a heading for the document type (from its LOINC code), header
lines (patient, date of birth, date of service, author and organization), then each section's
title and its narrative block — paragraphs, lists and tables — in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NS = "{urn:hl7-org:v3}"
MAX_CCDA = 50_000_000  # bytes

# LOINC document codes, and the heading a clinician would give such a document.
DOCUMENT_TYPES = {
    "34133-9": "Continuity of care document (health summary)",
    "18842-5": "Discharge summary",
    "11506-3": "Progress note",
    "11488-4": "Consultation note",
    "34117-2": "History and physical",
    "28570-0": "Procedure note",
    "11504-8": "Operative note",
    "18748-4": "Diagnostic imaging report",
    "11526-1": "Pathology report",
    "57133-1": "Referral note",
    "34111-5": "Emergency department note",
    "34746-8": "Nurse note",
    "18761-7": "Transfer summary",
    "81218-0": "Discharge instructions",
}


def looks_like_ccda(head: bytes) -> bool:
    start = head.lstrip()[:4096]
    return start.startswith(b"<") and b"ClinicalDocument" in start and b"urn:hl7-org:v3" in start


def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _date(value: str) -> str:
    """HL7 time stamps (20260210143000-0500) as ISO dates."""
    digits = value[:8]
    if len(digits) == 8 and digits.isdigit():
        return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    return ""


def _name(element: Any) -> str:
    if element is None:
        return ""
    given = [_text(g) for g in element.findall(f"{NS}given")]
    family = _text(element.find(f"{NS}family"))
    return " ".join(p for p in [*given, family] if p) or _text(element)


def _narrative(element: Any, lines: list[str]) -> None:
    """A section's <text>: paragraphs, lists and tables, in order."""
    for child in element:
        tag = child.tag.replace(NS, "")
        if tag == "table":
            for row in child.iter(f"{NS}tr"):
                cells = [_text(c) for c in row if c.tag in (f"{NS}td", f"{NS}th")]
                lines.append(" | ".join(cells))
            lines.append("")
        elif tag == "list":
            for item in child.findall(f"{NS}item"):
                lines.append(f"- {_text(item)}")
            lines.append("")
        elif tag in ("paragraph", "content", "caption"):
            text = _text(child)
            if text:
                lines.append(text)
        else:
            _narrative(child, lines)
    if element.text and element.text.strip() and len(element) == 0:
        lines.append(" ".join(element.text.split()))


def to_text(path: Path) -> str:
    from defusedxml import ElementTree

    if path.stat().st_size > MAX_CCDA:
        raise ValueError("document too large")
    root = ElementTree.parse(str(path), forbid_dtd=True).getroot()
    if root.tag != f"{NS}ClinicalDocument":
        raise ValueError("not a C-CDA document")
    code = root.find(f"{NS}code")
    loinc = code.get("code", "") if code is not None else ""
    kind = DOCUMENT_TYPES.get(loinc) or (code.get("displayName", "") if code is not None else "")
    title = _text(root.find(f"{NS}title"))
    patient = root.find(f"{NS}recordTarget/{NS}patientRole/{NS}patient")
    birth = patient.find(f"{NS}birthTime") if patient is not None else None
    service = root.find(f"{NS}documentationOf/{NS}serviceEvent/{NS}effectiveTime/{NS}low")
    encounter = root.find(f"{NS}componentOf/{NS}encompassingEncounter/{NS}effectiveTime/{NS}low")
    when = next((_date(e.get("value", "")) for e in (encounter, service) if e is not None), "")
    author = root.find(f"{NS}author/{NS}assignedAuthor")
    person = _name(author.find(f"{NS}assignedPerson/{NS}name")) if author is not None else ""
    organization = _text(
        root.find(
            f"{NS}custodian/{NS}assignedCustodian/{NS}representedCustodianOrganization/{NS}name"
        )
    ) or (_text(author.find(f"{NS}representedOrganization/{NS}name")) if author is not None else "")

    lines = [f"# {(kind or title or 'Clinical document').upper()}"]
    if title and title.lower() != kind.lower():
        lines.append(f"Title: {title}")
    if patient is not None:
        lines.append(f"Patient: {_name(patient.find(f'{NS}name'))}")
    if birth is not None and _date(birth.get("value", "")):
        lines.append(f"Date of birth: {_date(birth.get('value', ''))}")
    if when:
        lines.append(f"Date of service: {when}")
    if person or organization:
        lines.append(f"Author: {', '.join(p for p in (person, organization) if p)}")
    if loinc:
        lines.append(f"Document type: LOINC {loinc}")
    for section in root.iter(f"{NS}section"):
        heading = _text(section.find(f"{NS}title"))
        narrative = section.find(f"{NS}text")
        if not heading and narrative is None:
            continue
        lines += ["", f"## {heading or 'Section'}"]
        if narrative is not None:
            _narrative(narrative, lines)
    return "\n".join(lines).strip() + "\n"


# LOINC section codes whose entries packet takes as structured facts.
MEDICATIONS_SECTIONS = {"10160-0", "29549-3", "10183-2", "42346-7", "75311-1"}
PROCEDURES_SECTION = "47519-4"
ENCOUNTERS_SECTION = "46240-8"


@dataclass(frozen=True)
class RecordMedication:
    name: str
    dose: str
    how_often: str
    started: str
    status: str


@dataclass(frozen=True)
class RecordEvent:
    day: str  # YYYY-MM-DD
    kind: str  # "procedure" or "visit"
    description: str


@dataclass
class Facts:
    medications: list[RecordMedication] = field(default_factory=list)
    events: list[RecordEvent] = field(default_factory=list)


def _coded_name(element: Any, references: dict[str, str]) -> str:
    """A coded concept's words: its display name, its original text, or the narrative it
    points at (#ref), whichever the vendor filled in."""
    if element is None:
        return ""
    original = element.find(f"{NS}originalText")
    if original is not None:
        reference = original.find(f"{NS}reference")
        if reference is not None and reference.get("value", "").startswith("#"):
            text = references.get(reference.get("value", "")[1:], "")
            if text:
                return text
        if _text(original):
            return _text(original)
    return element.get("displayName", "") or ""


def _low(element: Any) -> str:
    if element is None:
        return ""
    low = element.find(f"{NS}low")
    return _date((low if low is not None else element).get("value", ""))


def facts(path: Path) -> Facts:
    """Medications, procedures and encounters from the document's coded entries."""
    from defusedxml import ElementTree

    root = ElementTree.parse(str(path), forbid_dtd=True).getroot()
    references = {
        e.get("ID", ""): _text(e) for e in root.iter() if e.get("ID") and e.tag != f"{NS}section"
    }
    found = Facts()
    for section in root.iter(f"{NS}section"):
        code = section.find(f"{NS}code")
        loinc = code.get("code", "") if code is not None else ""
        for entry in section.findall(f"{NS}entry"):
            if loinc in MEDICATIONS_SECTIONS:
                for given in entry.iter(f"{NS}substanceAdministration"):
                    medication = _medication(given, references)
                    if medication is not None:
                        found.medications.append(medication)
                    break  # the entry's own; nested ones are its ingredients or instructions
            elif loinc in (PROCEDURES_SECTION, ENCOUNTERS_SECTION):
                tag = "procedure" if loinc == PROCEDURES_SECTION else "encounter"
                for item in entry.iter(f"{NS}{tag}"):
                    day = _low(item.find(f"{NS}effectiveTime"))
                    words = _coded_name(item.find(f"{NS}code"), references)
                    if day and words:
                        kind = "procedure" if tag == "procedure" else "visit"
                        found.events.append(RecordEvent(day, kind, words))
                    break
    return found


def _medication(given: Any, references: dict[str, str]) -> RecordMedication | None:
    material = given.find(f"{NS}consumable/{NS}manufacturedProduct/{NS}manufacturedMaterial")
    if material is None:
        return None
    name = _coded_name(material.find(f"{NS}code"), references) or _text(material.find(f"{NS}name"))
    if not name:
        return None
    dose = given.find(f"{NS}doseQuantity")
    dose_text = (
        f"{dose.get('value', '')} {dose.get('unit', '') if dose.get('unit') != '1' else ''}".strip()
        if dose is not None
        else ""
    )
    started, how_often = "", ""
    for time in given.findall(f"{NS}effectiveTime"):
        period = time.find(f"{NS}period")
        if period is not None and period.get("value"):
            how_often = f"every {period.get('value')} {period.get('unit', '')}".strip()
        elif not started:
            started = _low(time)
    status = given.find(f"{NS}statusCode")
    return RecordMedication(
        name=name,
        dose=dose_text,
        how_often=how_often,
        started=started,
        status=status.get("code", "") if status is not None else "",
    )
