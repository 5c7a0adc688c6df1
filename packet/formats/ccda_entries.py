"""A C-CDA's coded entries read into packet's own terms: allergies (and "no known allergies"),
problems (a cancer diagnosis with its codes), results (receptors, mutations, tumor markers,
labs), procedures and encounters, and medications with their status (only active ones are
current; a coded "no known medications" is not a medicine).

Each entry is read from the section it sits in (its LOINC code), and each item keeps the words
a clinician reads on the rendered page, so a section that has entries but no narrative is
rendered from them (`lines`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

NS = "{urn:hl7-org:v3}"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"

ALLERGIES_SECTION = "48765-2"
PROBLEMS_SECTIONS = {"11450-4", "11348-0"}  # problem list; history of past illness
RESULTS_SECTION = "30954-2"
PROCEDURES_SECTION = "47519-4"
ENCOUNTERS_SECTION = "46240-8"
# Medication sections: which list what the patient takes now, which what was given once.
CURRENT_MEDICATIONS = {"10160-0", "10183-2", "75311-1"}  # history of use; discharge medications
PAST_MEDICATIONS = {"29549-3", "42346-7"}  # administered (inpatient); on admission
MEDICATIONS_SECTIONS = CURRENT_MEDICATIONS | PAST_MEDICATIONS

CODE_SYSTEMS = {
    "2.16.840.1.113883.6.96": "SNOMED CT",
    "2.16.840.1.113883.6.90": "ICD-10-CM",
    "2.16.840.1.113883.6.3": "ICD-10",
    "2.16.840.1.113883.6.103": "ICD-9-CM",
    "2.16.840.1.113883.6.43.1": "ICD-O-3",
    "2.16.840.1.113883.6.1": "LOINC",
    "2.16.840.1.113883.6.88": "RxNorm",
    "2.16.840.1.113883.6.12": "CPT",
    "2.16.840.1.113883.6.4": "ICD-10-PCS",
}

CANCER_WORDS = re.compile(
    r"carcinoma|cancer|malignan|lymphoma|leuka?emia|melanoma|sarcoma|myeloma|glioma|"
    r"blastoma|mesothelioma|metasta|neoplasm|adenocarcinoma|seminoma|tumou?r",
    re.IGNORECASE,
)
NOT_A_DIAGNOSIS = re.compile(
    r"family history|\bfh\b|screening|at risk|risk of|fear of|benign|history of exposure|"
    r"suspected|rule out|\br/o\b",
    re.IGNORECASE,
)
SURGERY_WORDS = re.compile(
    r"ectomy|otomy|ostomy|plasty|pexy|resection|excision|amputation|transplant|laparoscop|"
    r"thoracoscop|robotic|surgery|surgical|operation|repair|reconstruction|dissection|"
    r"orchiectomy|whipple|bypass|implantation of|arthroscop",
    re.IGNORECASE,
)
BIOPSY_WORDS = re.compile(r"biops|aspiration|\bfna\b|core needle", re.IGNORECASE)
NO_MEDICATIONS = re.compile(
    r"^\s*(no|none|nkm|denies)\b.*\b(medications?|meds|drugs|prescriptions?)\b|^\s*none\s*$",
    re.IGNORECASE,
)
NO_ALLERGIES = re.compile(r"\b(no known|nka|nkda|no allerg|none known)\b", re.IGNORECASE)
NO_KNOWN_ALLERGY_CODES = {"716186003", "409137002", "428607008", "429625007"}
# Results that an oncologist looks for by name: the summary's facts (read through the same
# engine as text, `packet.facts`) and the timeline; other labs reach the timeline by day.
ONCOLOGY_RESULT = re.compile(
    r"estrogen receptor|oestrogen receptor|progesterone receptor|HER-?2|ERBB2|Ki-?67|ROS1|"
    r"PD-?L1|KRAS|NRAS|BRAF|microsatellite|mismatch repair|MLH1|MSH2|MSH6|PMS2|"
    r"prostate specific|carcinoembryonic|CA[- ]?(15-3|27[.-]29|125|19-9)\b|cancer antigen|"
    r"alpha[- ]?fetoprotein|BRCA|gleason",
    re.IGNORECASE,
)
# Gene and marker symbols, by their case: "eGFR" is the kidneys', "ALK PHOS" the liver's.
ONCOLOGY_SYMBOL = re.compile(r"\b(EGFR|ALK(?!\s*PHOS)|PSA|CEA|AFP|MSI)\b")


@dataclass(frozen=True)
class RecordMedication:
    name: str
    dose: str
    how_often: str
    started: str
    status: str
    current: bool = True  # listed as taken now: active, in a list of current medicines


@dataclass(frozen=True)
class RecordEvent:
    day: str  # YYYY-MM-DD
    kind: str  # "surgery", "biopsy", "procedure", "visit" or "result"
    description: str


@dataclass(frozen=True)
class RecordAllergy:
    substance: str  # "Penicillin G"; "" when the record codes no known allergies
    reaction: str = ""

    @property
    def none_known(self) -> bool:
        return not self.substance


@dataclass(frozen=True)
class RecordProblem:
    name: str
    codes: tuple[str, ...]  # "SNOMED CT 254837009", "ICD-10-CM C50.912"
    day: str
    cancer: bool
    line: int = 0  # the line of the rendered text it is written under (its section's first)
    page: int = 1  # the page of the rendered record that line falls on

    @property
    def described(self) -> str:
        return f"{self.name} ({'; '.join(self.codes)})" if self.codes else self.name


@dataclass(frozen=True)
class RecordResult:
    name: str
    value: str  # "6.2 ng/mL", "Positive"
    day: str
    oncology: bool  # a receptor, mutation or tumor marker result
    panel: str = ""  # the battery it was reported in ("CBC W Auto Differential panel")
    line: int = 0  # the line of the rendered text it is written under (its section's first)
    page: int = 1  # the page of the rendered record that line falls on


@dataclass
class Facts:
    """What a C-CDA states in its header and its coded entries, for packet's models."""

    title: str = ""  # the document's own title, when it says more than its type
    made: str = ""  # the day the document was made (its effectiveTime), YYYY-MM-DD
    organization: str = ""  # the author's organization (or the custodian's)
    mrn: str = ""
    medications: list[RecordMedication] = field(default_factory=list)
    events: list[RecordEvent] = field(default_factory=list)
    allergies: list[RecordAllergy] = field(default_factory=list)
    problems: list[RecordProblem] = field(default_factory=list)
    results: list[RecordResult] = field(default_factory=list)


def local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def text_of(element: Any) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def hl7_date(value: str) -> str:
    """HL7 time stamps (20260210143000-0500) as ISO dates; "" when not a whole day."""
    digits = value[:8]
    if len(digits) != 8 or not digits.isascii() or not digits.isdigit():
        return ""
    try:  # a real day: vendors write 00 for an unknown month or day, and worse
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:])).isoformat()
    except ValueError:
        return ""


def low_of(element: Any) -> str:
    if element is None:
        return ""
    low = element.find(f"{NS}low")
    return hl7_date((low if low is not None else element).get("value", "") or "")


def high_of(element: Any) -> str:
    high = element.find(f"{NS}high") if element is not None else None
    return hl7_date(high.get("value", "") or "") if high is not None else ""


def coded_name(element: Any, references: dict[str, str]) -> str:
    """A coded concept's words: the narrative its original text points at (#ref), its original
    text, or its display name, whichever the vendor filled in."""
    if element is None:
        return ""
    original = element.find(f"{NS}originalText")
    if original is not None:
        reference = original.find(f"{NS}reference")
        if reference is not None and (reference.get("value") or "").startswith("#"):
            text = references.get((reference.get("value") or "")[1:], "")
            if text:
                return text
        if text_of(original):
            return text_of(original)
    name = element.get("displayName", "") or ""
    if not name:
        for translation in element.findall(f"{NS}translation"):
            if translation.get("displayName"):
                return str(translation.get("displayName"))
    return name


def _codes(element: Any) -> tuple[str, ...]:
    found = []
    for coded in [element, *element.findall(f"{NS}translation")]:
        system = CODE_SYSTEMS.get(coded.get("codeSystem", "") or "", "")
        code = coded.get("code", "") or ""
        if system and code and f"{system} {code}" not in found:
            found.append(f"{system} {code}")
    return tuple(found)


def _negated(element: Any) -> bool:
    return (element.get("negationInd", "") or "").lower() == "true"


def _status(element: Any) -> str:
    status = element.find(f"{NS}statusCode")
    return (status.get("code", "") or "").lower() if status is not None else ""


def _first(entry: Any, tag: str) -> Any:
    return next(entry.iter(f"{NS}{tag}"), None)


def read_section(section: Any, loinc: str, references: dict[str, str], found: Facts) -> list[str]:
    """The section's coded entries into `found`; returns the lines that render them (for a
    section with no narrative of its own)."""
    lines: list[str] = []
    for entry in section.findall(f"{NS}entry"):
        line = ""
        if loinc == ALLERGIES_SECTION:
            line = _allergy(entry, references, found)
        elif loinc in PROBLEMS_SECTIONS:
            line = _problem(entry, references, found)
        elif loinc == RESULTS_SECTION:
            lines += _results(entry, references, found)
        elif loinc in MEDICATIONS_SECTIONS:
            line = _medication(entry, loinc, references, found)
        elif loinc in (PROCEDURES_SECTION, ENCOUNTERS_SECTION):
            line = _event(entry, loinc, references, found)
        if line:
            lines.append(line)
    return lines


def _observations(entry: Any, template: str) -> list[Any]:
    """The observations of an entry with this template id, or every observation."""
    all_found = list(entry.iter(f"{NS}observation"))
    chosen = [
        o for o in all_found if any(t.get("root") == template for t in o.findall(f"{NS}templateId"))
    ]
    return chosen or all_found[:1]


def _allergy(entry: Any, references: dict[str, str], found: Facts) -> str:
    act = _first(entry, "act")
    if act is not None and _status(act) in ("nullified", "aborted"):
        return ""
    for observation in _observations(entry, "2.16.840.1.113883.10.20.22.4.7"):
        value = observation.find(f"{NS}value")
        value_code = value.get("code", "") if value is not None else ""
        entity = observation.find(f"{NS}participant/{NS}participantRole/{NS}playingEntity")
        material = entity.find(f"{NS}code") if entity is not None else None
        substance = coded_name(material, references) or (
            text_of(entity.find(f"{NS}name")) if entity is not None else ""
        )
        none_known = (
            _negated(observation)
            or value_code in NO_KNOWN_ALLERGY_CODES
            or bool(NO_ALLERGIES.search(substance))
            or (
                material is not None
                and material.get("nullFlavor") in ("NA", "NI")
                and not substance
            )
        )
        if none_known:
            found.allergies.append(RecordAllergy(""))
            return "No known allergies"
        if not substance:
            return ""
        reaction = ""
        for related in observation.findall(f"{NS}entryRelationship/{NS}observation"):
            roots = {t.get("root") for t in related.findall(f"{NS}templateId")}
            if "2.16.840.1.113883.10.20.22.4.9" in roots:
                reaction = coded_name(related.find(f"{NS}value"), references)
                break
        if reaction.casefold() == substance.casefold() and material is not None:
            # the substance's reference points at its reaction's cell (NIST's penicillin reads
            # "Hives"): its display name is the substance
            substance = material.get("displayName") or substance
        found.allergies.append(RecordAllergy(substance, reaction))
        return f"{substance} — reaction: {reaction}" if reaction else substance
    return ""


def _problem(entry: Any, references: dict[str, str], found: Facts) -> str:
    for observation in _observations(entry, "2.16.840.1.113883.10.20.22.4.4"):
        if _negated(observation):
            return ""
        value = observation.find(f"{NS}value")
        if value is None:
            return ""
        name = coded_name(value, references) or coded_name(
            observation.find(f"{NS}code"), references
        )
        codes = _codes(value)
        if not name:
            return ""
        day = low_of(observation.find(f"{NS}effectiveTime"))
        problem = RecordProblem(name, codes, day, _is_cancer(name, codes))
        found.problems.append(problem)
        return problem.described + (f" — since {day}" if day else "")
    return ""


# A staging finding filed as a problem ("Tumor stage T2c", "T3: Colon/rectum tumor invades…"):
# a T category alone, not a diagnosis.
STAGING_FINDING = re.compile(r"^\s*(?:tumou?r\s+)?stage\b|^\s*[cpy]?T(?:[0-4]|is|x)[a-d]?\b", re.I)


def _is_cancer(name: str, codes: tuple[str, ...]) -> bool:
    if NOT_A_DIAGNOSIS.search(name) or STAGING_FINDING.search(name):
        return False
    for code in codes:
        system, _, value = code.rpartition(" ")
        if system in ("ICD-10-CM", "ICD-10") and re.match(r"^(C\d|D0\d)", value):
            return True
        if system == "ICD-9-CM" and re.match(r"^(1[4-9]\d|20[0-8]|23[0-4])(\.|$)", value):
            return True
        if system == "ICD-O-3" and value.endswith("/3"):
            return True
    return bool(CANCER_WORDS.search(name)) and not re.search(r"benign", name, re.IGNORECASE)


def _result_value(observation: Any, references: dict[str, str]) -> str:
    value = observation.find(f"{NS}value")
    if value is None:
        return ""
    kind = (value.get(XSI_TYPE, "") or "").split(":")[-1]
    if kind in ("PQ", "INT", "REAL") or value.get("value"):
        unit = value.get("unit", "") or ""
        number = value.get("value", "") or ""
        return f"{number} {unit if unit != '1' else ''}".strip() if number else ""
    if kind in ("CD", "CE", "CO"):
        return coded_name(value, references)
    if kind == "IVL_PQ":
        return f"{low_of(value)}–{high_of(value)}".strip("–")
    return text_of(value)


def _results(entry: Any, references: dict[str, str], found: Facts) -> list[str]:
    organizer = _first(entry, "organizer")
    panel = coded_name(organizer.find(f"{NS}code"), references) if organizer is not None else ""
    panel_day = low_of(organizer.find(f"{NS}effectiveTime")) if organizer is not None else ""
    lines = [f"{panel}{f' ({panel_day})' if panel_day else ''}:"] if panel else []
    for observation in entry.iter(f"{NS}observation"):
        if _negated(observation) or _status(observation) in ("nullified", "aborted", "cancelled"):
            continue
        name = coded_name(observation.find(f"{NS}code"), references)
        value = _result_value(observation, references)
        if not name or not value:
            continue
        day = low_of(observation.find(f"{NS}effectiveTime")) or panel_day
        interpretation = observation.find(f"{NS}interpretationCode")
        flag = interpretation.get("code", "") if interpretation is not None else ""
        shown = f"{value} ({flag})" if flag in ("H", "L", "HH", "LL", "A", "AA") else value
        oncology = bool(ONCOLOGY_RESULT.search(name) or ONCOLOGY_SYMBOL.search(name))
        found.results.append(RecordResult(name, shown, day, oncology, panel))
        lines.append(
            f"{'  ' if panel else ''}- {name}: {shown}{f' ({day})' if day and not panel_day else ''}"
        )
    return lines


def _medication(entry: Any, loinc: str, references: dict[str, str], found: Facts) -> str:
    given = _first(entry, "substanceAdministration")  # nested ones are ingredients, instructions
    if given is None or _negated(given):
        return ""
    material = given.find(f"{NS}consumable/{NS}manufacturedProduct/{NS}manufacturedMaterial")
    if material is None:
        return ""
    name = coded_name(material.find(f"{NS}code"), references) or text_of(material.find(f"{NS}name"))
    code = material.find(f"{NS}code")
    if (
        not name
        or NO_MEDICATIONS.search(name)
        or (
            code is not None and code.get("code") in ("410942007", "182849000")  # "no drug"
        )
    ):
        return ""
    dose = given.find(f"{NS}doseQuantity")
    dose_text = (
        f"{dose.get('value', '')} {dose.get('unit', '') if dose.get('unit') != '1' else ''}".strip()
        if dose is not None
        else ""
    )
    started, ended, how_often = "", "", ""
    for time in given.findall(f"{NS}effectiveTime"):
        period = time.find(f"{NS}period")
        if period is not None and period.get("value"):
            how_often = f"every {period.get('value')} {period.get('unit', '')}".strip()
        elif not started:
            started, ended = low_of(time), high_of(time)
    status = _status(given)
    # Vendors mark a medicine taken now "active" or, as often, "completed" (the order is);
    # one that has ended says so by its end date. Aborted, suspended or held: not taken now.
    current = (
        loinc in CURRENT_MEDICATIONS
        and status in ("active", "completed", "")
        and (given.get("moodCode") or "EVN") in ("EVN", "INT")
        and not (ended and found.made and ended < found.made)
    )
    found.medications.append(RecordMedication(name, dose_text, how_often, started, status, current))
    details = ", ".join(p for p in (dose_text, how_often, status) if p)
    return f"{name}{f' — {details}' if details else ''}"


def _event(entry: Any, loinc: str, references: dict[str, str], found: Facts) -> str:
    tag = "procedure" if loinc == PROCEDURES_SECTION else "encounter"
    item = _first(entry, tag)
    if item is None and tag == "procedure":  # procedures coded as acts or observations
        item = _first(entry, "act")
        if item is None:
            item = _first(entry, "observation")
    if item is None or _negated(item):
        return ""
    words = coded_name(item.find(f"{NS}code"), references)
    day = low_of(item.find(f"{NS}effectiveTime"))
    if not words:
        return ""
    done = (item.get("moodCode") or "EVN") == "EVN" and _status(item) not in (
        "cancelled",
        "aborted",
        "new",
        "held",
        "nullified",
    )
    if day and done:
        if tag == "encounter":
            kind = "visit"
        elif BIOPSY_WORDS.search(words):
            kind = "biopsy"
        elif SURGERY_WORDS.search(words):
            kind = "surgery"
        else:
            kind = "procedure"
        found.events.append(RecordEvent(day, kind, words))
    planned = "" if (item.get("moodCode") or "EVN") == "EVN" else " (planned)"
    return f"{words}{f' — {day}' if day else ''}{planned}"
