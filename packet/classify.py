"""Deciding what a document is: its category (with the evidence) and a title a clinician would
write in a contents list.

Evidence, strongest first: the caregiver's override, the document's own text, the folder it
sits in, its file name. With none of these it is `other`.

The text is read line by line, and each line gets a role before anything is scored: junk
(barcodes, IDs, "page 1 of 2", lines that are mostly not letters) is dropped; a line that names
the document at its top is a *heading*; a `LABEL: content` line (or a known section label on its
own line) is a *section label*; anything else is *prose*. A phrase decides the category only as a
heading ("DISCHARGE SUMMARY"). Section labels are looked up in packet/lexicon.py, and the
document is scored from the set of section concepts it holds (an operative note has
pre-operative diagnosis, anesthesia and estimated blood loss; a consultation has a reason for
consultation, history and examination). Words inside sentences count for little.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import PurePosixPath

from packet.dates import machine_name
from packet.lexicon import (
    CONCEPT_WEIGHTS,
    DECISIVE,
    LAB_ROW,
    LETTER_LINES,
    MEDICATION_ROW,
    MODALITY,
    PROSE_CUES,
    PROSE_WEIGHT,
    SECTION_LABELS,
    TITLE_PHRASES,
    Concept,
)
from packet.lines import lines_of
from packet.models import Category, Evidence

C = Category

WINDOW = 90  # useful lines read: headings and section labels live in the first page or two
TITLE_ZONE = 15  # a heading names the document only near its top
MIN_SCORE = 4.0  # less than this from headings and labels is not evidence


class Role(StrEnum):
    HEADING = "heading"  # a short line naming the document or a department, at the top
    LABEL = "label"  # "LABEL: content", or a known section label alone on its line
    PROSE = "prose"


@dataclass(frozen=True)
class Line:
    text: str
    lower: str
    role: Role
    label: str = ""  # as written, for LABEL lines
    value: str = ""  # what follows the colon
    concept: Concept | None = None


_JUNK = (
    re.compile(r"^(page|pg\.?|p\.)\s*\d+\s*(of|/)\s*\d+$|^\d+\s*(of|/)\s*\d+$", re.I),
    re.compile(r"^[\W_]*[a-z0-9]*\d[a-z0-9]*[\W_]*$", re.I),  # one token with digits: IDs, barcodes
)
_LAB_ROW = re.compile(LAB_ROW)
_MED_ROW = re.compile(MEDICATION_ROW)
_LETTER = re.compile(LETTER_LINES)
_MODALITY = re.compile(MODALITY)
_LABEL_RE = re.compile(r"^([A-Za-z][A-Za-z0-9 /&(),'.#+-]{0,55}?)\s*:(?!\d\d)\s*(.*)$")
_PHRASES = tuple((cat, re.compile(p), w) for cat, p, w in TITLE_PHRASES)
_CUES = tuple((cat, re.compile(p)) for cat, p in PROSE_CUES)
_SOAP_DASH = re.compile(r"^([SOAP])\s+-\s*(.*)$")  # "S - A 44-year-old ..."
PROSE_CUES_NEEDED = 3  # distinct cues in sentences before wording counts as (weak) evidence


def is_junk(line: str) -> bool:
    """Lines that say nothing about a document: IDs, barcodes, page counters, OCR noise."""
    sample = line[:160]  # junk is short; a paragraph is not junk
    visible = sum(not ch.isspace() for ch in sample)
    letters = sum(ch.isalpha() for ch in sample)
    if letters < 2:
        return True
    if any(p.match(line) for p in _JUNK):
        return True
    return letters / visible < 0.45 and not _LAB_ROW.match(line.lower())


def normalize_label(label: str) -> str:
    """'PREOPERATIVE DIAGNOSIS (ES)' -> 'preoperative diagnosis'; '&' -> 'and'."""
    text = label.lower().replace("&", " and ")
    text = re.sub(r"\((e?s)\)", "", text)
    text = re.sub(r"[^a-z0-9/()#+ -]+", " ", text)
    return " ".join(text.split()).strip(" -")


def _singular(word: str) -> str:
    if word.endswith("oses") or word.endswith("ases"):  # diagnoses, metastases
        return word[:-2] + "is"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def lookup(label: str) -> Concept | None:
    """The section concept a label names: exactly, in the singular, or by its known start."""
    key = normalize_label(label)
    if not key:
        return None
    found = SECTION_LABELS.get(key)
    if found is not None:
        return found
    singular = " ".join(_singular(w) for w in key.split())
    found = SECTION_LABELS.get(singular)
    if found is not None:
        return found
    words = singular.split()
    for end in range(len(words) - 1, 1, -1):  # "preoperative diagnosis and indication"
        found = SECTION_LABELS.get(" ".join(words[:end]))
        if found is not None:
            return found
    for start in range(1, len(words) - 1):  # "male physical examination"
        found = SECTION_LABELS.get(" ".join(words[start:]))
        if found is not None:
            return found
    return None


def _refine(concept: Concept | None, label: str, value: str) -> Concept | None:
    """A value can tell what a generic label means: "EXAM: CT chest" is an imaging exam."""
    key = normalize_label(label)
    generic = ("exam", "examination", "procedure", "procedures", "study", "test")
    if value and key in generic and _MODALITY.match(value.lower()):
        return Concept.IMAGING_EXAM
    return concept


def _label_of(text: str) -> tuple[str, str] | None:
    m = _LABEL_RE.match(text) or _SOAP_DASH.match(text)
    if m is None:
        return None
    label, value = m.group(1).strip(), m.group(2).strip()
    words = label.split()
    if ". " in label or len(words) > 7:
        return None
    if lookup(label) is None and (len(words) > 4 or label[0].islower()):
        return None  # "The patient states: ..." is a sentence
    return label, value


def _is_heading_shape(text: str) -> bool:
    words = text.split()
    return (
        len(words) <= 10
        and len(text) <= 80
        and not text.endswith((".", ",", ";"))
        and (text.isupper() or not re.search(r"\b(is|was|were|are|has|had|have|will)\b", text))
    )


def _title_phrase(lower: str, decisive: bool = False) -> bool:
    return any((w >= DECISIVE or not decisive) and p.search(lower) for _, p, w in _PHRASES)


def read_lines(text: str) -> list[Line]:
    """The document's useful lines, each with its role."""
    out: list[Line] = []
    in_title_zone = True
    for raw in lines_of(text):
        line = " ".join(raw.split()).strip("#*=_~• ")
        if not line:
            continue
        lower = line.lower()
        labelled = _label_of(line)
        if labelled is None and is_junk(line):
            continue
        if labelled:
            label, value = labelled
            concept = lookup(label)
            if (
                concept is None
                and in_title_zone
                and len(out) < TITLE_ZONE
                and _title_phrase(label.lower(), decisive=True)
            ):
                # "DELIVERY NOTE:" names the document; "CURRENT MEDICATIONS:" is a section.
                if value and _is_heading_shape(value):  # "Email: Tumor marker results"
                    heading = f"{label} — {value}"
                    out.append(Line(heading, heading.lower(), Role.HEADING))
                else:
                    out.append(Line(label, label.lower(), Role.HEADING))
                    if value:
                        out.append(Line(value, value.lower(), Role.PROSE))
                continue
            if concept not in (None, Concept.HEADER):
                in_title_zone = False
            out.append(Line(line, lower, Role.LABEL, label, value, concept))
        elif (
            in_title_zone
            and len(out) < TITLE_ZONE
            and _is_heading_shape(line)
            and (_title_phrase(lower) or lookup(line) in (None, Concept.HEADER))
        ):
            out.append(Line(line, lower, Role.HEADING))
        elif _is_heading_shape(line) and (concept := lookup(line)) not in (None, Concept.HEADER):
            # A section label written as a line of its own ("IMPRESSION", "Hospital Course").
            in_title_zone = False
            out.append(Line(line, lower, Role.LABEL, line, "", concept))
        else:
            if len(line.split()) > 6:
                in_title_zone = False
            out.append(Line(line, lower, Role.PROSE))
        if len(out) >= WINDOW:
            break
    # A label alone on its line has its value on the next: "PROCEDURE:" / "Colonoscopy."
    for n, item in enumerate(out):
        if item.role is not Role.LABEL:
            continue
        value = item.value
        if not value and n + 1 < len(out) and out[n + 1].role is not Role.LABEL:
            value = out[n + 1].text
        refined = _refine(item.concept, item.label, value)
        if value != item.value or refined is not item.concept:
            out[n] = Line(item.text, item.lower, item.role, item.label, value, refined)
    return out


@dataclass
class Profile:
    """What the lines of a document say about its kind."""

    lines: list[Line]
    concepts: dict[Concept, Line] = field(default_factory=dict)  # first line naming each
    headings: list[tuple[Category, int, Line]] = field(default_factory=list)
    scores: dict[Category, float] = field(default_factory=dict)
    cues: dict[Category, list[str]] = field(default_factory=dict)  # wording in sentences


@lru_cache(maxsize=4)  # classify() and make_title() read the same text one after the other
def profile(text: str) -> Profile:
    lines = read_lines(text)
    found = Profile(lines)
    scores: dict[Category, float] = {}
    prose: dict[Category, float] = {}
    lab_rows = med_rows = 0
    for line in lines:
        if line.role is Role.HEADING or (line.role is Role.PROSE and _is_heading_shape(line.text)):
            for category, pattern, weight in _PHRASES:
                if pattern.search(line.lower):
                    if line.role is Role.HEADING:
                        found.headings.append((category, weight, line))
                        scores[category] = scores.get(category, 0.0) + weight
                    else:  # a heading further down: a section of this document
                        prose[category] = max(prose.get(category, 0.0), 2.0)
                    break
        elif line.role is Role.PROSE and len(line.text) <= 120:
            for category, pattern, _ in _PHRASES:
                if pattern.search(line.lower):
                    prose[category] = max(prose.get(category, 0.0), PROSE_WEIGHT)
        if line.concept is not None and line.concept not in found.concepts:
            found.concepts[line.concept] = line
        if _LETTER.search(line.lower) and Concept.LETTER not in found.concepts:
            found.concepts[Concept.LETTER] = line
        if _LAB_ROW.match(line.lower):
            lab_rows += 1
        elif _MED_ROW.match(line.lower):
            med_rows += 1
    if lab_rows >= 3 and Concept.LAB_RESULT not in found.concepts:
        found.concepts[Concept.LAB_RESULT] = next(ln for ln in lines if _LAB_ROW.match(ln.lower))
    clinical = [c for c in found.concepts if c is not Concept.HEADER]
    if med_rows >= 3 and med_rows >= len(clinical):  # a list of medicines, not a note's section
        found.concepts.setdefault(
            Concept.MEDICATION_ENTRY, next(ln for ln in lines if _MED_ROW.match(ln.lower))
        )
    for concept in found.concepts:
        for category, share in CONCEPT_WEIGHTS[concept].items():
            scores[category] = scores.get(category, 0.0) + share
    # An examination is written as many parts (HEENT:, NECK:, LUNGS:): each adds a little.
    parts = {ln.label.lower() for ln in lines if ln.concept is Concept.EXAM_PART}
    if len(parts) > 1:
        for category, share in CONCEPT_WEIGHTS[Concept.EXAM_PART].items():
            scores[category] = scores.get(category, 0.0) + share * (min(len(parts), 5) - 1) / 2
    if lab_rows >= 3:
        scores[C.LABS] = scores.get(C.LABS, 0.0) + min(lab_rows, 8)
    for category, share in prose.items():
        scores[category] = scores.get(category, 0.0) + share
    found.scores = scores
    if max(scores.values(), default=0.0) < MIN_SCORE:
        found.cues = _prose_cues(lines)
    return found


def _prose_cues(lines: list[Line]) -> dict[Category, list[str]]:
    """Telling wording in the sentences of a document that has no headings or labels to go on."""
    prose = "\n".join(line.lower for line in lines if line.role is not Role.LABEL)
    prose += "\n" + "\n".join(line.value.lower() for line in lines if line.role is Role.LABEL)
    cues: dict[Category, list[str]] = {}
    for category, pattern in _CUES:
        found = {m.group(0) for m in pattern.finditer(prose)}
        if found:
            cues[category] = sorted(found)
    return cues


@dataclass(frozen=True)
class Classification:
    category: Category
    evidence: Evidence | None
    heading: str = ""  # the line that decided it, for the title


def _shown(text: str) -> str:
    return text if len(text) <= 70 else text[:67].rsplit(" ", 1)[0] + "..."


def _choose(found: Profile) -> Classification | None:
    order = list(Category)
    decisive = [(c, w, line) for c, w, line in found.headings if w >= DECISIVE]
    if decisive:
        candidates = {c for c, _, _ in decisive}
        category = max(candidates, key=lambda c: (found.scores.get(c, 0.0), -order.index(c)))
        # The category's strongest heading, a report's title rather than its letterhead.
        _, _, line = max(
            ((w, -n, line) for n, (c, w, line) in enumerate(decisive) if c is category),
            key=lambda item: (item[0], not _LETTERHEAD.search(item[2].text), item[1]),
        )
        detail = f"heading '{_shown(line.text)}'"
        return Classification(category, Evidence(source="text", detail=detail), line.text)
    best = max(found.scores, key=lambda c: (found.scores[c], -order.index(c)), default=None)
    if best is None or found.scores[best] < MIN_SCORE:
        return _by_wording(found)  # a stray term or two is not evidence
    category = best
    labels = sorted(
        (
            (CONCEPT_WEIGHTS[concept].get(category, 0.0), -n, line)
            for n, (concept, line) in enumerate(found.concepts.items())
        ),
        key=lambda item: item[:2],
        reverse=True,
    )
    named = [f"'{_shown(line.label or line.text)}'" for weight, _, line in labels[:3] if weight > 0]
    if not named:
        return None
    detail = ("section labels " if len(named) > 1 else "section label ") + ", ".join(named)
    return Classification(category, Evidence(source="text", detail=detail))


def _by_wording(found: Profile) -> Classification | None:
    """Weak evidence: the wording of a dictated note that has no headings or section labels."""
    order = list(Category)
    ranked = sorted(found.cues.items(), key=lambda kv: (-len(kv[1]), order.index(kv[0])))
    if not ranked or len(ranked[0][1]) < PROSE_CUES_NEEDED:
        return None
    if len(ranked) > 1 and len(ranked[1][1]) >= len(ranked[0][1]) - 1:
        return None  # two kinds of wording nearly as common: no telling
    category, words = ranked[0]
    shown = ", ".join(f"'{w}'" for w in words[:3])
    return Classification(category, Evidence(source="text", detail=f"wording such as {shown}"))


def classify_text(text: str) -> Classification | None:
    return _choose(profile(text))


# Folder and file names, as caregivers and portals write them.
NAME_RULES: tuple[tuple[Category, str], ...] = (
    (C.BIOMARKERS, r"genomic|genetic|molecular|biomarker|\bngs\b|foundation|germline|brca|oncotype|her2|\bihc\b|tempus|guardant|caris"),
    (C.PATHOLOGY, r"path(ology)?\b|path[ _-]?report|biopsy|cytology|\bslides?\b|\bfna\b|surgical ?path"),
    (C.IMAGING, r"radiology|imaging|\bscans?\b|\bct\b|\bmri?\b|\bpet\b|mammo|ultrasound|\bus\b|x-?ray|\bxr\b|\bdexa\b|bone ?scan|tomo"),
    (C.OPERATIVE, r"surgery|surgical|operative|\bop[ _-]?note|operation|procedure"),
    (C.TREATMENT, r"chemo|infusion|radiation|\brad[ _-]?onc|treatment|\bregimen\b|immunotherapy"),
    (C.HOSPITAL, r"hospital|discharge|\ber\b|emergency|admission|inpatient"),
    (C.LABS, r"\blabs?\b|blood ?work|\bcbc\b|\bcmp\b|tumor ?marker|lab[ _-]?results"),
    (C.MEDICATIONS, r"medication|\bmeds\b|pharmacy|prescription|\brx\b"),
    (C.ADMINISTRATIVE, r"insurance|billing|bills?\b|\beob\b|claims?\b|statement|receipt|invoice"),
    (C.CLINIC_NOTES, r"visit|consult|clinic|progress|doctor|\bdr\b|oncolog|appointment|office|letter|notes?\b|summary"),
)  # fmt: skip

_NAME_COMPILED = tuple((cat, re.compile(p, re.IGNORECASE)) for cat, p in NAME_RULES)


def classify_name(relative: str) -> Classification | None:
    """The folder names first (a caregiver's own sorting), then the file name."""
    path = PurePosixPath(relative)
    for folder in reversed(path.parent.parts):
        words = re.sub(r"[_.]+", " ", folder)
        for category, pattern in _NAME_COMPILED:
            if pattern.search(words):
                return Classification(category, Evidence(source="folder", detail=f"'{folder}'"))
    words = re.sub(r"[_.]+", " ", path.stem)
    for category, pattern in _NAME_COMPILED:
        if pattern.search(words):
            return Classification(category, Evidence(source="file name", detail=f"'{path.name}'"))
    return None


def classify(text: str, relative: str) -> Classification:
    return classify_text(text) or classify_name(relative) or Classification(Category.OTHER, None)


# --- titles -----------------------------------------------------------------------------------

ACRONYMS = {
    "ct", "mri", "mr", "pet", "pet/ct", "us", "cta", "mra", "nm", "xr", "dexa", "bi-rads", "her2",
    "er", "pr", "ngs", "ihc", "fish", "pd-l1", "brca1", "brca2", "cbc", "cmp", "ed", "er/pr",
    "fna", "ii", "iii", "iv", "tnm", "dna", "rna", "msi", "tmb", "ki-67", "cea", "psa", "egd",
    "ercp", "emg", "eeg", "ekg", "ecg", "tah", "bso", "tah-bso", "lavh", "turp", "turbt", "cabg",
    "icd", "iud", "ivc", "l1", "l2", "l3", "l4", "l5", "s1", "c1", "c2", "c3", "c4", "c5", "c6",
    "c7", "t1", "t2", "mrcp", "kub", "ivp", "ebus", "tbna", "d&c", "pcnl", "avf", "acdf", "orif",
}  # fmt: skip
ABBREVIATIONS = {
    "mammo": "mammogram",
    "bilat": "bilateral",
    "lt": "left",
    "rt": "right",
    "cap": "chest/abdomen/pelvis",
}
MODALITY_WORDS = {
    "ct": "CT",
    "mri": "MRI",
    "mr": "MR",
    "pet": "PET",
    "pet/ct": "PET/CT",
    "us": "US",
}
BODY_PARTS = ("chest", "abdomen", "pelvis", "head", "neck", "brain", "spine")

GENERIC_TITLES = {
    C.PATHOLOGY: "Pathology report",
    C.BIOMARKERS: "Biomarker results",
    C.IMAGING: "Imaging report",
    C.OPERATIVE: "Operative note",
    C.TREATMENT: "Treatment record",
    C.CLINIC_NOTES: "Clinic note",
    C.HOSPITAL: "Hospital record",
    C.LABS: "Lab results",
    C.MEDICATIONS: "Medication list",
    C.OTHER: "Document",
    C.ADMINISTRATIVE: "Insurance or billing paper",
}

# Where a category finds the detail of its title, and what the detail is called.
DETAIL_CONCEPTS: dict[Category, tuple[Concept, ...]] = {
    C.IMAGING: (Concept.IMAGING_EXAM,),
    C.PATHOLOGY: (Concept.SPECIMEN, Concept.SPECIMEN_NATURE),
    C.OPERATIVE: (Concept.OPERATION,),
    C.BIOMARKERS: (Concept.GENOMIC,),
    C.TREATMENT: (Concept.TREATMENT,),
}
_DETAIL_LABELS: dict[Category, str] = {
    C.BIOMARKERS: r"^(test|test name|assay|panel|tests? performed)$",
    C.TREATMENT: r"^(regimen|chemotherapy regimen|treatment regimen)$",
}

# Kinds of note, told by the sections they hold, for notes without a heading.
NOTE_KINDS: tuple[tuple[Category, tuple[Concept, ...], str], ...] = (
    (C.CLINIC_NOTES, (Concept.LETTER,), "Letter"),
    (C.CLINIC_NOTES, (Concept.CONSULT_REASON,), "Consultation"),
    (C.CLINIC_NOTES, (Concept.SUBJECTIVE,), "Progress note"),
    (C.CLINIC_NOTES, (Concept.INTERVAL,), "Progress note"),
    (C.CLINIC_NOTES, (Concept.PRESENT_ILLNESS, Concept.PHYSICAL_EXAM), "History and physical"),
    (C.CLINIC_NOTES, (Concept.CHIEF_COMPLAINT, Concept.PHYSICAL_EXAM), "History and physical"),
    (C.HOSPITAL, (Concept.EMERGENCY,), "Emergency department note"),
    (C.HOSPITAL, (Concept.DISCHARGE,), "Discharge summary"),
    (C.HOSPITAL, (Concept.HOSPITAL_COURSE,), "Discharge summary"),
    (C.HOSPITAL, (Concept.ADMISSION,), "Admission note"),
    (C.OPERATIVE, (Concept.PREOP_DIAGNOSIS,), "Operative note"),
)


def clinical_case(text: str) -> str:
    """'CT CHEST ABDOMEN PELVIS WITH CONTRAST' -> 'CT chest/abdomen/pelvis with contrast'."""
    text = " ".join(text.replace("_", " ").split()).strip(" .:;-")
    if text != text.upper() and text != text.lower():
        return text[0].upper() + text[1:] if text else text  # already written by a person
    words = []
    for word in text.split(" "):
        lower = word.lower()
        core = lower.strip(",.;:()")
        if core in MODALITY_WORDS:
            words.append(lower.replace(core, MODALITY_WORDS[core]))
        elif core in ACRONYMS:
            words.append(word.upper())
        elif core in ABBREVIATIONS:
            words.append(lower.replace(core, ABBREVIATIONS[core]))
        else:
            words.append(lower)
    out = " ".join(words)
    # Consecutive body parts are written with slashes.
    parts = "|".join(BODY_PARTS)
    out = re.sub(
        rf"\b({parts})(?:,? (?:and )?|/)({parts})(?:,? (?:and )?|/)({parts})\b", r"\1/\2/\3", out
    )
    out = re.sub(rf"\b({parts})(?:,? and |/)({parts})\b", r"\1/\2", out)
    out = re.sub(r"\bw/o\b", "without", out)
    out = re.sub(r"\bw/ ?", "with ", out)
    return out[0].upper() + out[1:] if out else out


def _balanced(text: str) -> str:
    """Cut before a parenthesis that is opened and never closed."""
    depth, cut = 0, None
    for i, ch in enumerate(text):
        if ch == "(":
            if depth == 0:
                cut = i
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
    return text[:cut].rstrip(" ,;:-") if depth and cut is not None else text


def _shorten(text: str, limit: int = 120) -> str:
    if len(text) <= limit:
        return _balanced(text)
    cut = text[: limit - 1]
    if text[limit - 1].isalnum() and cut[-1:].isalnum():
        cut = cut.rsplit(" ", 1)[0]  # never in the middle of a word
    return _balanced(cut.rstrip(" ,;:-")) + "…"


def tidy_title(title: str) -> str:
    """No leading punctuation, no section label with its colon, no trailing label or dash."""
    title = " ".join(title.split())
    title = re.sub(r"\s*\b[A-Z][A-Z /&()-]{1,40}:\s*$", "", title)  # a trailing "LABEL:"
    labelled = _LABEL_RE.match(title)
    if labelled and lookup(labelled.group(1)) is not None and labelled.group(2):
        title = labelled.group(2)  # "PROCEDURE: Colonoscopy" -> "Colonoscopy"
    title = re.sub(r"^[\W_]+", "", title).rstrip(" ,;:-—")
    return title[:1].upper() + title[1:]


def _lower_first(text: str) -> str:
    """Lower-case the first letter to follow a dash, unless it starts an acronym (ER/PR, CT)."""
    if len(text) > 1 and (text[1].isupper() or text[1].isdigit()):
        return text
    return text[:1].lower() + text[1:]


_DATE_IN_TITLE = re.compile(
    r"^\s*(on|dated?)?\s*\d{1,4}[/.-]\d{1,2}([/.-]\d{2,4})?[,:]?\s*|\s*\(?\b(on|dated?)\s+\d{1,2}"
    r"[/.-]\d{1,2}[/.-]\d{2,4}\)?",
    re.I,
)


def first_item(value: str) -> str:
    """The first entry of a list a label holds: '1. Laparoscopic cholecystectomy. 2. ...'."""
    value = _DATE_IN_TITLE.sub(" ", value)
    value = re.split(r"\s(?=\(?(?:[2-9]|1\d)[.)]\s)|;|\s(?=[B-F][.)]\s)", value)[0]
    value = re.sub(r"^\s*(\(?[A-F1-9][.)]|#\d+|[-•*])\s*", "", value)
    value = re.sub(r"\.\s.*$", "", value).strip(" .,:;-")  # the first sentence of it
    return value


def _is_prose(value: str) -> bool:
    words = value.split()
    return (
        len(words) > 14
        or bool(re.search(r"\b(the patient|was|were|is|has been|had|she|he|we)\b", value, re.I))
        or (value[:1].islower() and len(words) > 6)
    )


def _specimen(text: str) -> str:
    """'A. Left breast, 2 o'clock, core needle biopsy; B. ...' -> 'left breast, core needle biopsy; ...'."""
    parts = []
    for part in re.split(r";|\s(?=[B-F][.)]\s)", text):
        part = re.sub(r"^\s*[A-F\d][.)]\s*", "", part).strip(" .")
        pieces = [p.strip() for p in part.split(",") if p.strip()]
        if pieces:
            parts.append(", ".join(dict.fromkeys([pieces[0], pieces[-1]])))
    return _lower_first("; ".join(parts[:1]))


def _heading_title(heading: str) -> str:
    heading = re.sub(r"\b(final|revised|corrected|amended)\b\s*$", "", heading, flags=re.I)
    return clinical_case(heading.strip(" :-"))


def _detail(category: Category, found: Profile) -> str:
    """The exam, specimen, procedure, test or regimen the document's labels name."""
    concepts = DETAIL_CONCEPTS.get(category, ())
    special = re.compile(_DETAIL_LABELS[category]) if category in _DETAIL_LABELS else None
    lines = found.lines
    for number, line in enumerate(lines):
        if line.role is not Role.LABEL:
            continue
        if special is not None:
            wanted = bool(special.match(normalize_label(line.label)))
        else:
            wanted = line.concept in concepts
        if not wanted:
            continue
        value = line.value
        if not value and number + 1 < len(lines) and lines[number + 1].role is not Role.LABEL:
            value = lines[number + 1].text  # the label on its own line, its value below
        item = value if category is C.PATHOLOGY else first_item(value)
        if len(item) > 2 and not _is_prose(item) and not _LABEL_RE.match(item):
            return clinical_case(item)
    return ""


def make_title(category: Category, heading: str, text: str, relative: str) -> str:
    return tidy_title(_make_title(category, heading, text, relative)) or GENERIC_TITLES[category]


def _make_title(category: Category, heading: str, text: str, relative: str) -> str:
    found = profile(text)
    detail = _detail(category, found)
    base = _heading_title(heading) if heading and len(heading) <= 70 else ""
    if category is C.IMAGING and detail:
        return _shorten(detail)
    if category is C.PATHOLOGY:
        kind = "Surgical pathology"
        lower = (heading + " " + " ".join(line.lower for line in found.lines[:15])).lower()
        if "cytolog" in lower or "cytopath" in lower:
            kind = "Cytology"
        elif re.search(r"outside|slide review|second opinion", lower):
            kind = "Outside pathology review"
        elif "bone marrow" in lower:
            kind = "Bone marrow pathology"
        elif "neuropath" in lower:
            kind = "Neuropathology"
        elif "addendum" in heading.lower():
            kind = "Pathology addendum"
        elif not heading and "surgical pathology" not in lower:
            kind = "Pathology report"
        if detail:
            return _shorten(f"{kind} — {_specimen(detail)}")
        return kind
    if detail and category in (C.OPERATIVE, C.BIOMARKERS, C.TREATMENT):
        prefix = base or GENERIC_TITLES[category]
        return _shorten(f"{prefix} — {_lower_first(detail)}")
    if base:
        return _shorten(base)
    stem = PurePosixPath(relative).stem
    uninformative = re.fullmatch(
        r"(scan|img|image|document|doc|pxl|dsc|file|untitled|page|download)[\s_()\d-]*", stem, re.I
    ) or machine_name(stem)  # "WhatsApp Image 2026-03-12 at 10.15.00" names no record
    if not uninformative:
        # A person's file name, less the date written into it: "US LEFT BREAST 1-28-26" -> "US left breast".
        words = re.sub(r"[_]+", " ", stem)
        words = re.sub(r"\b\d{1,4}[-./]\d{1,2}[-./]\d{2,4}\b|\b(19|20)\d{6}\b", " ", words)
        named = clinical_case(words)
        if re.search(r"[A-Za-z]{2}", named):
            return _shorten(named)
    for kind_category, needed, name in NOTE_KINDS:
        if kind_category is category and all(c in found.concepts for c in needed):
            return name
    if category is C.OTHER:
        own = _own_heading(found)
        if own:
            return _shorten(clinical_case(own))
    return GENERIC_TITLES[category]


_LETTERHEAD = re.compile(
    r"\b(center|centre|hospital|clinic|institute|associates|health|medical|university|"
    r"department|p\.?c\.?|llc|inc|ltd|suite|street|st\.|avenue|ave|road|rd|tel|fax|phone)\b"
    r"|\d{3}",
    re.I,
)


def _own_heading(found: Profile) -> str:
    """The first heading of a document packet cannot file: what it calls itself."""
    for line in found.lines[:TITLE_ZONE]:
        if line.role is not Role.HEADING:
            continue
        if not _LETTERHEAD.search(line.text) and re.search(r"[A-Za-z]{3}", line.text):
            return line.text
    return ""
