"""The facts an oncologist asks first, read from a record's text by rules: primary site,
histology, grade, stage and TNM, receptor and biomarker results.

A wrong fact is worse than a missing one, so a value is taken only where a report states a
result: a `LABEL: value` line (dot leaders and table columns read as labels and values), a
results-table row, a ticked checklist option, a diagnosis line, or a line under a heading that
names the test ("HER2 ISH" … "RESULT: AMPLIFIED"). Sentences that explain criteria, list a
scale's legend, set a condition, look back ("history of"), speak of a relative, another patient
or a clinical trial, or wait ("pending") give nothing, and nothing is read under a history,
method, comment or eligibility heading, nor in a leaflet. Within one record a value said in
more detail elsewhere ("positive" beside "positive (95%)") is kept once, in its detail, and a
staging's prefixed categories stated on separate lines ("(ypT1c)", "(ypN1a)") are one value.
Each fact keeps its page and the line it was read from, for the caregiver and the center to
check.

The rules were tuned on labelled reports written apart from them; `tests/benchmarks/facts.py`
measures them on a set never tuned on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from packet.lines import lines_of
from packet.models import Fact, FactKind

QUOTE = 120

# Headings under which a report explains, recalls or qualifies rather than states a result.
QUIET_SECTIONS = re.compile(
    r"^(?:(?:your|the patient's|patient's|her|his)\s+)?(?:past (?:medical |surgical |oncologic )?history|family history|social history|PMH|PSH|FH|SH|"
    r"comments?|notes?|interpretation notes?|methods?|methodology|"
    r"background|references?|disclaimers?|limitations?|about (?:this|the) test|"
    r"interpretation criteria|scoring criteria|therapies|clinical trials|recommendations?|"
    r"inclusion criteria|exclusion criteria|eligibility)\b",
    re.IGNORECASE,
)
# Words that make a line a condition, a criterion, a recollection or a wait — not a result.
NOT_A_RESULT = re.compile(
    r"\b(?:if|whether|unless|considered|defined|criteria|cut-?off|threshold|reflexed?|"
    r"history of|rule out|r/o|suspicious for|"
    r"pending|to follow|will be (?:reported|performed|sent)|requested|ordered|sent out|"
    r"not performed|not done|insufficient|cannot be (?:assessed|determined|evaluated)|"
    r"quantity not sufficient|may benefit|candidates?|predicts?|associated with|"
    r"reported as|is reported|are reported|scored as|guideline|per asco|"
    # explanations, and what happened before: "… means", "… is often called high", "he had …"
    r"means?|called|often|usually|typically|are treated|is treated|or more|or higher|or greater|"
    r"or less|at least|refers? to|may|might|can|could|had|per outside|"
    r"in (?:19|20)\d\d|for example|e\.g|any|eligib\w*|inclusion|exclusion|in error|NCT\d+|trials?|"
    r"requires?|required|a [0-3]\+ (?:result|score)|"
    r"another patient|wrong patient|copied|been reported|reported in|accounts? for|represents?|"
    r"frequency|prevalence|occurs? in)\b",
    re.IGNORECASE,
)
LABEL_LINE = re.compile(r"^\s*(?P<label>[A-Za-z][A-Za-z0-9 ()/&.,'-]{1,60}?)\s*:\s*(?P<rest>.*)$")
CLAUSES = re.compile(r"[;]|(?<![\dpcg])\.(?!\d)|(?<=[a-z\d])\.(?=\s)|(?<!:)\s{3,}(?=[A-Z])")
# A results-table row: a gene, then its result in the columns after it ("KRAS   p.G12D   Detected").
TABLE_ROW = re.compile(
    r"^\s*[-•*]?\s*(?:EGFR|ALK|ROS1|KRAS|NRAS|BRAF|MET|RET|NTRK\d?|BRCA[12]|PALB2|POLE|TP53|FGFR3)\b\S*\s{2,}\S"
)
SENTENCES = re.compile(r"(?<=[.;])\s+(?=[A-Z])")

POSITIVE = r"positive|pos\b|detected|present|mutated|mutation identified|amplified"
NEGATIVE = (
    r"negative|neg\b|not detected|none detected|"
    r"no (?:pathogenic |clinically significant |reportable |actionable )?(?:mutations?|variants?|"
    r"alterations?|rearrangements?|fusions?|amplifications?)(?: (?:were |was )?detected)?|"
    r"wild[- ]?type|absent|not identified"
)


@dataclass(frozen=True)
class Line:
    page: int
    text: str
    heading: bool = False  # a section heading: it states nothing, it says what follows


JOINED_AT_MOST = 400  # a longer line is a paragraph already: rules read sentences, not pages


# OCR's confusions of letters and digits, mended where only one reading is a word or a number:
# a zero inside a word of letters ("CARCIN0MA", "P0SITIVE"), a letter O inside a number or
# before its percent sign ("9O%"), an l or I before digits and a percent sign ("l5%").
ZERO_IN_WORD = re.compile(r"\b[A-Za-z]+(?:0[A-Za-z]+)+\b")
O_IN_NUMBER = re.compile(r"(?<=\d)[Oo](?=\d|%|\s*%)")
L_IN_NUMBER = re.compile(r"(?<![A-Za-z])[lI](?=\d+(?:\.\d+)?\s*%)")


# a protein change read with letters for digits ("V6OOE"), a cDNA position with an l ("c.l799")
PROTEIN_CHANGE = re.compile(
    r"\b([ACDEFGHIKLMNPQRSTVWY])(\d[\dOo]+|[\dOo]+\d)([ACDEFGHIKLMNPQRSTVWY*])\b"
)
CDNA_L = re.compile(r"(?<=c\.)[lI](?=\d)")
ONE_IN_WORD = re.compile(r"\b[A-Z]+1[A-Z]+\b")  # "C1EAR": a capital word with a one for an L


def _ocr_mended(text: str) -> str:
    if "O" in text or "o" in text:
        text = PROTEIN_CHANGE.sub(
            lambda m: m[1] + m[2].replace("O", "0").replace("o", "0") + m[3], text
        )
    if "c." in text:
        text = CDNA_L.sub("1", text)
    if "1" in text:
        text = ONE_IN_WORD.sub(
            lambda m: m.group(0).replace("1", "L") if len(m.group(0)) > 3 else m.group(0), text
        )
    if "0" in text:
        text = ZERO_IN_WORD.sub(lambda m: m.group(0).replace("0", "O"), text)
    if "O" in text or "o" in text:
        text = O_IN_NUMBER.sub("0", text)
    if "%" in text:
        text = L_IN_NUMBER.sub("1", text)
    return text


@lru_cache(maxsize=64)  # the same pages are read by the facts, the pending and the diagnoses
def _joined(page: str) -> tuple[str, ...]:
    """A page's lines as a report means them: a dot leader is a label's colon ("ER ....
    POSITIVE" is "ER: POSITIVE"), a gap of columns stays a gap (three spaces), and a line
    wrapped by the report's width (the next begins in lower case or with a bracket) is one
    line again."""
    out: list[str] = []
    for raw in lines_of(page):
        text = _ocr_mended(raw.strip())
        if ".." in text or ". ." in text or "…" in text:
            # a leader as OCR reads it too: "....i.:...", its dots broken by stray marks
            text = re.sub(
                r"\s*(?:\.\s?){3,}(?:[il|'`]?[.:·,]+)*\s*|\s*…+\s*(?=[A-Z0-9<>])", ": ", text
            )
        if "|" in text:  # a pipe table's cells are columns
            text = re.sub(r"\s*\|\s*", "   ", text).strip()
        if "  " in text or "\t" in text:
            text = re.sub(r"[ \t]{2,}", "   ", text)
            text = re.sub(r"^([^:]{1,40}):   (?=\S)", r"\1: ", text)  # "DX:   …" is a label's value
        if not text:
            continue
        if (
            out
            and len(out[-1]) < JOINED_AT_MOST
            and (
                (
                    re.match(r"[a-z(]", text)
                    and not re.search(r"[.:;]$", out[-1])
                    and not (text.startswith("(") and out[-1].endswith(")"))  # a remark below
                    and not out[-1].isupper()  # a heading in capitals is not wrapped prose
                )
                or out[-1].endswith(",")  # a list or a sentence going on
                or out[-1].count("(") > out[-1].count(")")  # "(TUBULES 1, …; TOTAL" / "SCORE 5)"
            )
        ):
            out[-1] = f"{out[-1]} {text}"
        else:
            out.append(text)
    return tuple(out)


PATIENT_LINE = re.compile(
    r"^(?:case\s*#?\s*\d+\s*[-–:]\s*(?:\((?:different|another|other|new) patient\)\s*)?)?"
    r"(?:(?:patient(?:\s+of\s+record)?(?:\s+name)?|name)\s*:\s*|(?<=\)\s))"
    r"(?P<name>[A-Za-z][A-Za-z' ,.-]{2,60}?)"
    r"(?=\s{2,}|\s+(?:MRN|MR|DOB|Age|Sex|Hospital|Medical)\b|$)",
    re.IGNORECASE,
)


RELATIVE = re.compile(
    r"\b(?:mother|father|sister|brother|aunt|uncle|cousin|niece|nephew|grandmother|grandfather|"
    r"daughter|maternal|paternal|relatives?|family history)\b",
    re.IGNORECASE,
)
# A scale's legend: "Grade Group 3 = 4+3=7; Grade Group 4 = score 8; Grade Group 5 = …".
LEGEND = re.compile(r"(?:(?:grade group|\bGG)\s*[1-5]\s*[=:(].*){3}", re.IGNORECASE)
# A paragraph that explains a term ("What is HER2? HER2 is reported as …") states no result.
EXPLAINER = re.compile(r"\s*(?:what (?:is|are|does|do)|how (?:is|are))\b", re.IGNORECASE)
RELATIVE_OPENS = 40  # a line that names a relative this early is about the relative
HEADER_LINES = 12  # a page names its patient near its top
# What a handout or a leaflet says of itself at its top.
GENERAL_INFORMATION = re.compile(
    r"patient (?:and family )?education|patient & family education|patient information (?:sheet|leaflet)|"
    r"\bhandout\b|\bleaflet\b|information leaflet|general information only|"
    r"does not (?:contain|describe) your (?:own |personal )?results|a guide for patients|"
    r"understanding your (?:\w+ )*(?:pathology )?report",
    re.IGNORECASE,
)


def _person(name: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"[a-z]+", name.casefold()) if len(w) > 1)


OTHER_PATIENT = re.compile(
    r"\((?:an?\s+)?(?:other|another|different|second|next) patient\b|"
    r"^(?:also discussed|next case|case \d+)\b.*\b(?:other|another|different) patient\b",
    re.IGNORECASE,
)


def _lines(pages: Sequence[str]) -> Iterator[Line]:
    """The lines of a record that may state a result, with their page: not under a heading
    that explains, recalls or qualifies, and not in a part about another patient (a tumour
    board's next case, a shared letter)."""
    quiet = False
    patient: frozenset[str] | None = None
    other = False
    for number, page in enumerate(pages, start=1):
        quiet = False  # a new page starts a new part of the report
        for row, text in enumerate(_joined(page)):
            plain = " ".join(text.split())
            named = PATIENT_LINE.match(plain)
            header = row < HEADER_LINES or re.search(r"\b(?:MRN|DOB|MR No)\b", plain)
            if named and header and _person(named.group("name")):
                person = _person(named.group("name"))
                patient = patient or person
                other = not (person <= patient or patient <= person)
            if OTHER_PATIENT.search(plain):
                other = True  # "Also discussed (other patient, MRN …): …": not this patient's
            if other:
                continue
            label = LABEL_LINE.match(plain)
            heading = label.group("label") if label else plain
            is_heading = (label and not label.group("rest")) or (
                plain.isupper()
                and len(plain) < 60
                and sum(c.isalpha() for c in plain) > len(plain) / 2
                and ":" not in plain
                and not plain.endswith(".")
                and not re.match(r"[-•*]|\d+[.)]", plain)
                and not VERDICT.search(plain)  # "HER2 (IHC)   EQUIVOCAL   2+": a table row
            )
            if label and not is_heading and label.group("label").isupper():
                quiet = bool(QUIET_SECTIONS.match(heading))  # "IMPRESSION: …" ends a history
            if is_heading or (label and QUIET_SECTIONS.match(heading)):
                quiet = bool(QUIET_SECTIONS.match(heading))
                if is_heading:
                    yield Line(number, heading, heading=True)
                    continue
            if quiet:
                continue
            yield Line(number, text)


def _quote(text: str) -> str:
    return text if len(text) <= QUOTE else text[: QUOTE - 1].rstrip() + "…"


def _percent(text: str) -> str:
    """The percentage that qualifies the verdict just before `text`: "(95%)", ", 95% of cells",
    "in 80-90% of tumour cells" — not a percentage further on (another marker's)."""
    found = re.match(
        r"\s*[,;(—–-]?\s*(?:in\s+)?(?:approximately\s+|approx\.?\s+|about\s+|~\s*)?"
        r"(?P<pct>[<>≤≥]?\s*\d{1,3}(?:\s*[-–]\s*\d{1,3})?)\s*%",
        text,
    )
    if not found:
        return ""
    pct = re.sub(r"\s+", "", found.group("pct")).replace("–", "-")
    return pct.replace("≤", "<=").replace("≥", ">=") + "%"


OTHER_MARKER = re.compile(
    r"\b(?:ER|PR|PgR|AR|HER-?2|ERBB2|Ki-?67|estrogen|oestrogen|progesterone|androgen)\b",
    re.IGNORECASE,
)


def _percent_in(rest: str) -> str:
    """A percentage of cells stained further on in a receptor's own cell of a table:
    "Positive   Allred score 7/8 (80% nuclei, moderate-strong)"."""
    found = re.search(
        r"(?P<pct>[<>]?\d{1,3}(?:\s*[-–]\s*\d{1,3})?)\s*%\s*(?:of\s+)?(?:tumou?r\s+)?"
        r"(?:nuclei|cells|staining|positive|of\s+(?:invasive\s+)?tumou?r)|"
        r"\((?:approx\.?\s*|approximately\s+|~\s*)?(?P<bracketed>\d{1,3}(?:\s*[-–]\s*\d{1,3})?)\s*%",
        rest,
        re.IGNORECASE,
    )
    if found and found.group("bracketed"):
        return re.sub(r"\s+", "", found.group("bracketed")).replace("–", "-") + "%"
    return re.sub(r"\s+", "", found.group("pct")).replace("–", "-") + "%" if found else ""


# --- receptors -------------------------------------------------------------------------------

# a table's clone column, or the clone in the marker's brackets: "Estrogen Receptor (ER, clone SP1)"
CLONE = r"(?:\s+(?:SP1|SP2|6F11|1D5|EP1|1E2|16|PgR\s?636|EP2)|\s*\((?:ER|PR|PgR),\s*clone\s+[\w-]{1,10}\))?"
RECEPTORS = {
    FactKind.ER: r"(?:estrogen receptors?|oestrogen receptors?|\bER\b)(?:\s*\((?:ER|SP1|6F11)\))?"
    + CLONE,
    FactKind.PR: r"(?:progesterone receptors?|\bPg?R\b)(?:\s*\((?:PR|PgR|1E2)\))?" + CLONE,
}


def _receptor(kind: FactKind, pattern: str) -> Callable[[str], str]:
    result = re.compile(
        rf"{pattern}\s*(?:status)?\s*[:\-]?\s*(?:(?:low|weakly|weak|strongly|focally)\s+)?"
        rf"(?P<res>{POSITIVE}|{NEGATIVE})\b",
        re.IGNORECASE,
    )

    share_first = re.compile(
        rf"{pattern}\s*(?:status)?\s*[:\-]?\s*(?P<pct>[<>]?\d{{1,3}}(?:\s*[-–]\s*\d{{1,3}})?)\s*%"
        r"\s*(?:of\s+)?(?:(?:invasive\s+)?tumou?r\s+)?(?:cells?\s+)?(?:nuclei\s+)?"
        r"(?:positive|staining|stained|with\s+nuclear\s+(?:staining|positivity))\b",
        re.IGNORECASE,
    )

    def read(text: str) -> str:
        found = result.search(text)
        share = share_first.search(text) if not found else None
        if share:  # "Estrogen receptor: 95% positive cells, strong intensity"
            pct = re.sub(r"\s+", "", share.group("pct")).replace("–", "-")
            low = int(re.split(r"[-<>]", pct.lstrip("<>"))[0] or 0)
            verdict = "negative" if (pct.startswith("<") and low <= 1) or pct == "0" else "positive"
            return f"{verdict} ({pct}%)"
        if not found:
            return ""
        word = found.group("res").lower()
        verdict = "negative" if re.match(NEGATIVE, word) else "positive"
        rest = text[found.end() :]
        other = OTHER_MARKER.search(rest)  # "ER positive, PR negative, Ki-67 40%": not ER's
        pct = _percent(rest) or _percent_in(rest[: other.start()] if other else rest)
        return f"{verdict} ({pct})" if pct else verdict

    return read


# "ER+/PR-/HER2-" as clinic notes write the receptor profile.
PROFILE = re.compile(
    r"\b(ER|PR|PgR|HER-?2(?:/neu)?)\s*([+-])(?=[/,.;\s)]|$)(?:\s*\(\s*([<>]?\d{1,3}(?:-\d{1,3})?)\s*%\s*\))?",
    re.IGNORECASE,
)


def _profile(text: str) -> list[tuple[FactKind, str]]:
    out = []
    for name, sign, pct in PROFILE.findall(text):
        kind = {"er": FactKind.ER, "pr": FactKind.PR, "pgr": FactKind.PR}.get(
            name.lower(), FactKind.HER2
        )
        verdict = "positive" if sign == "+" else "negative"
        out.append((kind, f"{verdict} ({pct}%)" if pct and kind is not FactKind.HER2 else verdict))
    return out


HER2 = re.compile(r"\b(?:HER-?2(?:/neu)?|ERBB2)\b", re.IGNORECASE)
HER2_IHC = re.compile(
    r"(?<![\d.])(?P<score>[0-3])\s*\+|\b(?:score|IHC)\s*(?P<score2>[0-3])\b|\b(?P<zero>0)\b(?=\s*[,(]?\s*negative)",
    re.IGNORECASE,
)
HER2_ISH = re.compile(r"\b(?P<res>not amplified|non-?amplified|amplified)\b", re.IGNORECASE)
HER2_RATIO = re.compile(
    r"\bHER-?2(?:\s*[/:]\s*(?:CEP\s*17|chr(?:omosome|\.)?\s*17)|\s+ISH)?\s*ratio\s*[:=]?\s*(\d+(?:\.\d+)?)",
    re.IGNORECASE,
)
IHC_VERDICT = {"0": "negative", "1": "negative", "2": "equivocal", "3": "positive"}


def _her2(text: str) -> str:
    found = HER2.search(text)
    if not found:
        return ""
    after = text[found.end() :]
    ish = HER2_ISH.search(after)
    if found.group(0).upper() == "ERBB2" and not ish:
        return ""  # a mutation panel's "ERBB2 not detected" says nothing of HER2 status
    if ish:
        verdict = "amplified" if ish.group("res").lower() == "amplified" else "not amplified"
        ratio = re.search(r"ratio\s*(?:of|:|=)?\s*(\d+(?:\.\d+)?)", text, re.IGNORECASE)
        method = "ISH"
        return f"{verdict} ({method} ratio {ratio.group(1)})" if ratio else f"{verdict} ({method})"
    if len(set(re.findall(r"(?<![\d.])[0-3]\s*\+", after))) > 1:
        return ""  # "3+ positive; 2+ equivocal; 0 and 1+ negative": a scoring legend
    ihc = HER2_IHC.search(after[:40])
    if ihc:
        score = ihc.group("score") or ihc.group("score2") or ihc.group("zero")
        shown = "0" if score == "0" else f"{score}+"
        return f"{IHC_VERDICT[score]} (IHC {shown})"
    plain = re.match(
        rf"\s*(?:\([^)]{{0,20}}\))?\s*(?:status)?\s*[:\-]?\s*(?P<res>{POSITIVE}|{NEGATIVE}|equivocal)\b",
        after,
        re.IGNORECASE,
    )
    if plain:
        word = plain.group("res").lower()
        return (
            "equivocal"
            if word == "equivocal"
            else ("negative" if re.match(NEGATIVE, word) else "positive")
        )
    return ""


KI67 = re.compile(
    r"\b(?:Ki-?67|MIB-?1)\b(?:\s*\([^)]{0,12}\))?\s*(?:proliferation|labell?ing)?\s*(?:index)?\s*"
    r"(?:[:\-–—]+|\bof\b|\bis\b)?\s*(?:positive|approximately|approx\.?|about|~)?\s*"
    r"(?:in\s*)?(?P<pct>[<>]?\s*\d{1,3}(?:\s*[-–]\s*\d{1,3})?)\s*%",
    re.IGNORECASE,
)


def _ki67(text: str) -> str:
    found = KI67.search(text)
    return re.sub(r"\s+", "", found.group("pct")).replace("–", "-") + "%" if found else ""


# --- genes -----------------------------------------------------------------------------------

GENES = {
    FactKind.EGFR: "EGFR",
    FactKind.ALK: "ALK",
    FactKind.ROS1: "ROS1",
    FactKind.KRAS: "KRAS",
    FactKind.NRAS: "NRAS",
    FactKind.BRAF: "BRAF",
}
# The genes the expected-results table asks for besides (packet/data/expected.toml); their
# names as reports write them are made one by `_gene_names`.
GENES |= {
    FactKind.MET: "MET",
    FactKind.RET: "RET",
    FactKind.NTRK: "NTRK",
    FactKind.BRCA1: "BRCA1",
    FactKind.BRCA2: "BRCA2",
    FactKind.PALB2: "PALB2",
    FactKind.POLE: "POLE",
    FactKind.P53: "TP53",
    FactKind.FGFR3: "FGFR3",
}
GENE_WORDS = ("egfr", "alk", "ros1", "ras", "braf", "met", "ret", "trk", "brca", "palb2", "pole",
              "tp53", "fgfr3")  # fmt: skip
VARIANT = re.compile(
    r"\b(?P<v>exon\s*\d{1,2}\s*(?:deletion|insertion|skipping)|[A-Z]\d{2,4}[A-Z*](?:/[A-Z])?|"
    r"(?:EML4-ALK|CD74-ROS1|[A-Z][A-Z0-9]{1,7}-(?:RET|NTRK[1-3]|FGFR3|TACC3))\s*fusion)\b",
    re.IGNORECASE,
)
GENE_NEGATIVE = re.compile(
    r"\bnegative for (?:(?:likely )?pathogenic |deleterious |germline )*(?:variants?|mutations?|alterations?)\b|"
    rf"\b(?:{NEGATIVE})\b|^\W*no\s+(?:[^\s,]+(?:,\s*|\s+(?:or|and|nor)\s+|\s+)){{1,8}}?"
    r"(?:fusions?|mutations?|alterations?|rearrangements?|variants?|amplifications?)"
    r"(?:\s+(?:were\s+|was\s+)?(?:detected|identified|found))?\b",
    re.IGNORECASE,
)
GENE_POSITIVE = re.compile(
    r"\b(?:detected|positive|mutated|mutant|mutation (?:identified|present)|(?<=\d[A-Z*]\s)mutation|rearranged|"
    r"rearrangement (?:detected|present)|fusion (?:detected|present)|(?:likely )?pathogenic|deleterious)\b",
    re.IGNORECASE,
)


# Another marker's result in the same clause ("KRAS G12C-mutant …, PD-L1 negative") is not the
# gene's; a drug's target ("anti-EGFR antibodies", "EGFR inhibitors") is not a result.
OTHER_RESULT = re.compile(
    r"\b(?:PD-?L1|TMB|MSI|HER-?2|ERBB2|ER|PR|PgR|Ki-?67|p16|HPV|TTF-?1|"
    r"PIK3CA|STK11|KEAP1)\b[^,;]{0,30}?\b(?:negative|positive|low|high|stable|wild[- ]?type|"
    r"not detected|detected)\b|\banti-(?:EGFR|ALK|ROS1|BRAF)\b|"
    r"\b(?:EGFR|ALK|ROS1|KRAS|BRAF)[- ](?:inhibitors?|antibod\w+|targeted|TKIs?|therapy|blockade)\b",
    re.IGNORECASE,
)
THREE_LETTER = {
    "Ala": "A", "Arg": "R", "Asn": "N", "Asp": "D", "Cys": "C", "Gln": "Q", "Glu": "E",
    "Gly": "G", "His": "H", "Ile": "I", "Leu": "L", "Lys": "K", "Met": "M", "Phe": "F",
    "Pro": "P", "Ser": "S", "Thr": "T", "Trp": "W", "Tyr": "Y", "Val": "V", "Ter": "*",
}  # fmt: skip


def _one_letter(text: str) -> str:
    """ "p.(Gly12Asp)" as a clinician writes it: "G12D"."""
    return re.sub(
        r"\b(" + "|".join(THREE_LETTER) + r")(\d{1,4})(" + "|".join(THREE_LETTER) + r"|\*)",
        lambda m: THREE_LETTER[m.group(1)] + m.group(2) + THREE_LETTER.get(m.group(3), "*"),
        text,
    )


def _genes(clause: str) -> list[tuple[FactKind, str]]:
    """Results for the genes a clause names: "KRAS G12C detected", "EGFR, ALK: not detected"."""
    if GENE_TALK.search(clause):
        return []
    clause = _one_letter(OTHER_RESULT.sub(" ", _gene_names(clause)))
    named = [k for k, gene in GENES.items() if re.search(rf"\b{gene}\b", clause)]
    if not named:
        return []
    affirmed = GENE_POSITIVE.search(GENE_NEGATIVE.sub(" ", clause))  # not "not detected"
    if len(named) > 1 and GENE_NEGATIVE.search(clause) and affirmed:
        # "KRAS G13D-mutated, BRAF wild-type": each gene with the words after it, up to the
        # next; a gene in a list ("EGFR, ALK and ROS1 not detected") takes the list's result
        starts = sorted(
            m.start() for gene in GENES.values() for m in re.finditer(rf"\b{gene}\b", clause)
        )
        segments = [clause[a:b] for a, b in zip(starts, [*starts[1:], len(clause)], strict=True)]
        results = [_genes(segment) for segment in segments]
        for number, segment in enumerate(segments):
            listed = re.fullmatch(r"\w+[\s,]*(?:and|or|/)?\s*", segment)
            shared = next((r for r in results[number + 1 :] if r), [])
            if listed and shared and shared[0][1] == "not detected":  # only a negative is shared
                kind = next(k for k, gene in GENES.items() if segment.startswith(gene))
                results[number] = [(kind, "not detected")]
        return [found for result in results for found in result]
    if GENE_NEGATIVE.search(clause):
        return [(k, "not detected") for k in named]
    listed = re.search(r"\bVAF\b|allele (?:fraction|frequency)", clause, re.IGNORECASE)
    if len(named) == 1 and (affirmed or listed):
        # a variant table's row with its allele fraction is a detection: "KRAS  G12C  VAF 22%"
        at = clause.find(GENES[named[0]])
        variant = VARIANT.search(clause[max(0, at - 5) :])  # "EML4-ALK fusion detected"
        name = " ".join(variant.group("v").split()) if variant else ""
        if name and re.fullmatch(r"[a-z]\d+[a-z*]", name, re.IGNORECASE):
            name = name.upper()
        if (listed or clause.rstrip().endswith(":")) and not name:
            return []  # the variant is on the next line: no guess
        return [(named[0], f"{name} detected" if name else "detected")]
    return []


PDL1 = re.compile(
    r"\bPD-?L1\b.*?\b(?P<kind>TPS|CPS|tumou?r proportion score|combined positive score)\s*"
    r"(?:\((?:TPS|CPS)\))?\s*[:=]?\s*(?:of\s*)?(?P<value>[<>]?\s*\d{1,3})\s*(?P<pct>%?)",
    re.IGNORECASE,
)


def _pdl1(text: str) -> str:
    found = PDL1.search(text)
    if not found:
        return ""
    kind = found.group("kind").upper()
    kind = "CPS" if kind.startswith(("CPS", "COMBINED")) else "TPS"
    value = re.sub(r"\s+", "", found.group("value"))
    return f"{kind} {value}%" if kind == "TPS" else f"{kind} {value}"


# --- more results the expected-results table asks for -------------------------------------------


def report_lines(page: str) -> list[str]:
    """A page's lines as a report means them (dot leaders, columns, wrapped lines joined), for
    the readers beside this one (`packet.pending`)."""
    return list(_joined(page))


def _gene_names(clause: str) -> str:
    """One name for each gene as reports write it: "BRCA1/2" and a bare "BRCA" are BRCA1 and
    BRCA2; "NTRK1/2/3" and a pan-TRK stain are NTRK; p53 by sequencing is TP53."""
    clause = re.sub(r"\bBRCA\s?1\s*(?:/|and|&|,|or)\s*(?:BRCA\s?)?2\b", "BRCA1 and BRCA2", clause)
    clause = re.sub(r"\bBRCA\s([12])\b", r"BRCA\1", clause)
    clause = re.sub(r"\bBRCA\b(?!\s?[12])", "BRCA1 and BRCA2", clause)
    clause = re.sub(r"\bNTRK\s?[1-3](?:\s*(?:/|,|and|or)\s*(?:NTRK\s?)?[1-3])*\b", "NTRK", clause)
    clause = re.sub(r"\bpan-?TRK\b", "NTRK", clause, flags=re.IGNORECASE)
    return clause


# A clause that advises a test, speaks of carriers in general or of how common a variant is, or
# calls it benign, states no result of the patient's: "BRCA testing advised", "Women who carry a
# BRCA1 pathogenic variant have …", "TP53 is the most frequently mutated gene".
GENE_TALK = re.compile(
    r"\b(?:advised|recommended|offered|referr\w*|counsell?ing|"
    r"(?:women|men|people|patients|individuals|those) (?:who|with)|carriers?|lifetime|"
    r"frequently|most common|about half|polymorphism|benign)\b|"
    r"\b[A-Z][a-z]+'s (?:genetic|germline|predictive) test",  # a relative's: "Maree's genetic testing"
    re.IGNORECASE,
)


# A germline panel's result given once for all its genes, and the genes listed apart:
# "RESULT: NEGATIVE. No pathogenic or likely pathogenic variants identified." … "GENES ANALYZED:
# APC, ATM, BARD1, BRCA1, BRCA2, …".
PANEL_GENES = re.compile(
    r"^\s*(?:genes?\s+(?:analy[sz]ed|tested|included|evaluated|examined|sequenced)|"
    r"genes?\s+on\s+(?:this|the)\s+panel|panel\s+genes)\s*(?:\([^)]*\))?\s*:\s*(?P<genes>.*)$",
    re.IGNORECASE,
)
PANEL_NEGATIVE = re.compile(
    r"^\s*(?:overall\s+|final\s+)?(?:results?|interpretation)\s*:\s*negative\b|"
    r"^\s*negative[.:]?\s+no\s+(?:pathogenic|clinically significant)|"
    r"^\s*no\s+(?:pathogenic|deleterious)\s+(?:or\s+likely\s+pathogenic\s+)?(?:variants?|mutations?)\s+"
    r"(?:were\s+|was\s+)?(?:identified|detected|found)\s*\.?\s*$",
    re.IGNORECASE,
)
PANEL_POSITIVE = re.compile(
    r"\bpositive\b|(?<!no )(?<!or )(?:likely )?pathogenic variants? (?:was |were )?(?:identified|detected|found)(?! in none)",
    re.IGNORECASE,
)
PANEL_KINDS = (FactKind.BRCA1, FactKind.BRCA2, FactKind.PALB2)


def _panel_negatives(pages: Sequence[str], facts: list[Fact]) -> list[Fact]:
    """The table's germline genes a negative panel lists as analysed, each "not detected", when
    the record states no positive result at all; the genes it states apart keep their own."""
    lines = [(n, line) for n, page in enumerate(pages, start=1) for line in _joined(page)]
    negative = next(((n, t) for n, t in lines if PANEL_NEGATIVE.search(t)), None)
    if negative is None or any(
        PANEL_POSITIVE.search(t) and not PANEL_NEGATIVE.search(t) for _, t in lines
    ):
        return []
    said = {f.kind for f in facts}
    out = []
    for row, (number, text) in enumerate(lines):
        listed = PANEL_GENES.match(text)
        if not listed:
            continue
        genes = listed.group("genes") or (lines[row + 1][1] if row + 1 < len(lines) else "")
        for kind in PANEL_KINDS:
            if kind not in said and re.search(rf"\b{GENES[kind]}\b", genes):
                said.add(kind)
                shown = text.strip() if listed.group("genes") else f"{text.strip()} {genes}"
                quote = f"{negative[1].strip()} … {shown}"
                out.append(Fact(kind=kind, value="not detected", page=number, quote=_quote(quote)))
    return out


HRD = re.compile(
    r"\b(?:HRD|homologous recombination deficiency|homologous recombination (?:repair )?status|"
    r"HR deficiency)\b(?:\s*\((?:HRD|GIS)\))?\s*(?:status|score|result|test)?\s*[:\-]?\s*"
    r"(?P<v>positive|negative|detected|not detected|deficient|proficient|high|low)\b|"
    r"\b(?:HRD|HR)[- ](?P<v2>positive|negative|deficient|proficient)\b",
    re.IGNORECASE,
)
GIS = re.compile(
    r"\b(?:genomic instability score|GIS)\s*(?:\(GIS\))?\s*[:=]?\s*(?:of\s*)?(?P<s>\d{1,3})\b",
    re.IGNORECASE,
)


HER2_BY_METHOD = re.compile(
    r"\b(?:HER-?2(?:/neu)?|ERBB2)\b(?:\s*\((?!by\b)[^)]{0,20}\))?\s*(?P<open>\()?\s*by\s+"
    r"(?P<m>IHC|immunohistochemistry|F?ISH|in situ hybridi[sz]ation)\s*(?(open)\))\s*[:\-]\s*"
    r"(?P<res>positive|negative|equivocal)\b(?:\s*\(\s*(?:score\s*)?(?P<score>[0-3])\s*\+?\s*\))?",
    re.IGNORECASE,
)


def _her2_by_method(text: str) -> str:
    """ "HER2 (ERBB2) by immunohistochemistry: Negative (Score 1+)", and "HER2 (by
    immunohistochemistry): …", are "negative (IHC 1+)"."""
    found = HER2_BY_METHOD.search(text)
    if not found:
        return ""
    verdict = found.group("res").lower()
    ihc = found.group("m").upper() in ("IHC", "IMMUNOHISTOCHEMISTRY")
    score = found.group("score")
    if ihc and score:
        return f"{verdict} (IHC {'0' if score == '0' else score + '+'})"
    return verdict


def _no_stain(kind: FactKind) -> Callable[[str], str]:
    """A receptor stated as no stained cells, "ER 0%", "PR 0%" (a triple-negative cancer's
    shorthand), is negative."""
    name = RECEPTORS[kind]
    zero = re.compile(rf"{name}\s*[:\-]?\s*(?P<p><\s*1|0)\s*%", re.IGNORECASE)

    def read(text: str) -> str:
        found = zero.search(text)
        return f"negative ({found.group('p').replace(' ', '')}%)" if found else ""

    return read


def _hrd(text: str) -> str:
    """ "HRD status: POSITIVE (Genomic Instability Score 61)" is "positive (GIS 61)"."""
    found = HRD.search(text)
    if not found:
        return ""
    word = (found.group("v") or found.group("v2")).lower()
    verdict = "positive" if word in ("positive", "detected", "deficient", "high") else "negative"
    score = GIS.search(text)
    return f"{verdict} (GIS {score.group('s')})" if score else verdict


P53 = re.compile(
    r"\bp53\b(?:\s*\([^)]{0,20}\))?[^.;]{0,40}?\b(?P<v>wild[- ]?type|normal|aberrant|abnormal|"
    r"mutant[- ]?type|mutation[- ]type|overexpress\w*|null)\b",
    re.IGNORECASE,
)


def _p53(text: str) -> str:
    """An endometrial cancer's p53 stain: "wild-type pattern" or "aberrant pattern"."""
    found = P53.search(text)
    if not found:
        return ""
    word = found.group("v").lower()
    return "wild-type pattern" if word.startswith(("wild", "normal")) else "aberrant pattern"


MSI = re.compile(
    r"\b(?P<v>MSI-?H(?:igh)?|MSI-?L(?:ow)?|MSS|MS-?stable|microsatellite[- ]stable|"
    r"microsatellite instability[- ]high|microsatellite instability[- ]low)\b",
    re.IGNORECASE,
)


def _msi(text: str) -> str:
    found = MSI.search(text)
    if not found:
        return ""
    if not re.search(
        r"\b(MSI|microsatellite|MS status)\b.*[:]|^(MSI|MSS|microsatellite)", text, re.IGNORECASE
    ):
        return ""  # a label or a result line, not a sentence that mentions it
    word = found.group("v").lower().replace(" ", "-")
    if "stable" in word or word == "mss":
        return "MSS"
    return "MSI-high" if re.search(r"h(igh)?$", word) else "MSI-low"


MMR_PROTEINS = ("MLH1", "MSH2", "MSH6", "PMS2")
_PROTEIN_LIST = (
    r"(?:MLH-?1|MSH-?2|MSH-?6|PMS-?2)(?:\s*(?:,|and|&|/)\s*(?:MLH-?1|MSH-?2|MSH-?6|PMS-?2))*"
)
_LOST = r"(?:loss|lost|absent|absence|deficient|negative)"
_KEPT = r"(?:intact|retained|preserved|present|normal|positive)"
MMR_STATED = (
    (True, re.compile(rf"{_LOST}\s+(?:of\s+)?(?:nuclear\s+)?(?:expression\s+)?(?:of\s+|in\s+)?(?P<p>{_PROTEIN_LIST})", re.I)),
    (True, re.compile(rf"(?P<p>{_PROTEIN_LIST})\s*(?:protein)?s?\s*[:\-]?\s*(?:expression\s+)?(?:is\s+|are\s+|was\s+)?{_LOST}", re.I)),
    (False, re.compile(rf"{_KEPT}\s*[:(]?\s*(?:nuclear\s+)?(?:expression\s+)?(?:of\s+|in\s+)?(?P<p>{_PROTEIN_LIST})", re.I)),
    (False, re.compile(rf"(?P<p>{_PROTEIN_LIST})\s*(?:protein)?s?\s*[:\-]?\s*(?:expression\s+)?(?:is\s+|are\s+|was\s+)?{_KEPT}", re.I)),
)  # fmt: skip


def _mmr_proteins(text: str) -> dict[str, bool]:
    """Each mismatch-repair protein a line states, lost (True) or kept, from the words beside
    it: "loss of MSH2 and MSH6 expression (MLH1 and PMS2 retained)". A protein said both ways
    on one line is left out."""
    said: dict[str, set[bool]] = {}
    if not re.search(r"MLH|MSH|PMS", text, re.IGNORECASE):
        return {}
    row = re.match(r"\s*(MLH-?1|MSH-?2|MSH-?6|PMS-?2)\b(?=.*\s{3})", text, re.I)
    if row:  # a table row: "MLH1   M1   Retained   Adequate"
        lost, kept = re.search(rf"\b{_LOST}\b", text, re.I), re.search(rf"\b{_KEPT}\b", text, re.I)
        if bool(lost) != bool(kept):
            return {row.group(1).upper().replace("-", ""): bool(lost)}
    for gone, pattern in MMR_STATED:
        for found in pattern.finditer(text):
            for name in re.findall(r"MLH-?1|MSH-?2|MSH-?6|PMS-?2", found.group("p"), re.I):
                said.setdefault(name.upper().replace("-", ""), set()).add(gone)
    return {p: next(iter(ways)) for p, ways in said.items() if len(ways) == 1}


MMR_SUMMARY = re.compile(
    r"\b(?P<v>pMMR|dMMR|MMR[- ]proficient|MMR[- ]deficient|mismatch repair[- ](?:proficient|deficient)|"
    r"(?:mismatch repair|MMR)(?: proteins?)?(?: expression)?(?: is| are| was)?:?\s*(?:intact|retained|preserved)|"
    r"no loss of (?:nuclear )?expression of (?:the )?(?:mismatch repair|MMR) proteins)\b",
    re.IGNORECASE,
)


# --- grade, stage, TNM, prostate ---------------------------------------------------------------

ROMAN = {"I": "1", "II": "2", "III": "3", "1/3": "1", "2/3": "2", "3/3": "3"}
GRADE = re.compile(
    r"\b(?:(?:histologic(?:al)?|nottingham|combined histologic|overall|tumou?r|invasive|FIGO|SBR|elston(?:-ellis)?)"
    r"\s+grade|^grade|(?<=, )grade)\s*[:\-]?\s*(?:G)?(?P<g>[1-3]|I{1,3}\b|[1-3]/3)"
    r"(?:\s*(?:of\s*3|/3))?",
    re.IGNORECASE,
)
NOT_TUMOUR_GRADE = re.compile(
    r"gleason|grade group|ISUP|nuclear grade|toxicity|CTCAE|neuropathy|nausea|mucositis|fatigue|rash|WHO grade",
    re.IGNORECASE,
)


def _grade(text: str) -> str:
    if NOT_TUMOUR_GRADE.search(text.split(":")[0] if ":" in text[:40] else text):
        return ""
    found = GRADE.search(text)
    if not found:
        return ""
    prefixed = not found.group(0).lower().startswith("grade")
    if not prefixed and not (CANCER_WORDS.search(text) or HISTOLOGY.search(text)):
        return ""  # "Grade 1 compound fracture", "Grade III: plaques"
    grade = ROMAN.get(found.group("g").upper(), found.group("g"))
    score = re.search(
        r"\bscore\s*(?:of\s*)?(?P<s>[3-9])(?:\s*/\s*9)?\b(?!\s*[+/])",  # not "score 3+1+1 = 5"
        text[found.end() : found.end() + 60],
        re.IGNORECASE,
    )
    return f"{grade} (Nottingham score {score.group('s')})" if score else grade


STAGE = re.compile(
    r"\b(?:(?P<prefix>AJCC|pathologic(?:al)?|clinical|prognostic|anatomic|overall)\s+(?:\w+\s+){0,2})?"
    r"stage(?:\s+group)?(?:\s*\([^)]{0,40}\))?\s*[:\-]?\s*(?P<s>0|IV[ABC]?|I{1,3}[ABC]?[1-3]?)\b(?!\s*(?:-|–|to|or)\s*I)(?!\s*(?:hypertension|kidney|ulcer|lymphedema))",
    re.IGNORECASE,
)
CANCER_WORDS = re.compile(
    r"carcinoma|cancer|lymphoma|melanoma|sarcoma|malignan|myeloma|leukemia|tumou?r|neoplasm",
    re.IGNORECASE,
)
NOT_CANCER_STAGE = re.compile(
    r"kidney|CKD|ulcer|hypertension|labor|sleep|fibrosis|heart failure|lymph(?:o)?edema|"
    r"lymphoedema|oedema|edema|\bISL\b|COPD|GOLD|pressure (?:injury|ulcer|sore)",
    re.IGNORECASE,
)


def _stage(text: str) -> str:
    if NOT_CANCER_STAGE.search(text):
        return ""
    for found in STAGE.finditer(text):
        # "Stage: IIA", "AJCC stage group: IIA" — not "Stage II: 50.5" (a sleep study's table)
        labelled = re.match(
            r"\s*(?:[\w-]+\s+){0,3}stage(?: group)?(?:\s*\([^)]{0,40}\))?\s*:", text, re.IGNORECASE
        )
        if found.group("prefix") or labelled or CANCER_WORDS.search(text):
            return found.group("s").upper()
    return ""


TNM = re.compile(
    r"(?<![A-Za-z0-9])(?P<t>(?:y?[cpr]|yp|yc)?T(?:is|[0-4xX])[a-d]?\d?)(?:\s*\(\w+\))?\s*,?\s*"
    r"(?P<n>(?:y?[cpr]|yp|yc)?N[0-3xXO](?:mi|[a-c])?(?:\((?:sn|i[+-]|mol[+-])\))?)"
    r"(?:\s*,?\s*(?P<m>(?:[cp])?M[01xXO][a-c]?))?(?![A-Za-z0-9])"
)
# How the nodes were examined ("pN0(sn)", "pN0(i-)"): the category is "pN0".
N_SUFFIX = re.compile(r"\((?:sn|i[+-]|mol[+-])\)")
# A synoptic report's descriptors line: "TNM Descriptors: y (post-treatment)" makes its pT ypT.
DESCRIPTORS = re.compile(r"^\s*TNM descriptors?\s*:\s*(?P<d>[ymr](?:\s*,\s*[ymr])*)\b", re.I)
# OCR reads a zero as the letter O: "pT1 NO MX", "pT2, pNO". Taken as 0 only after a staged T,
# where "NO" cannot be the word.
OCR_ZERO = re.compile(r"(?<=[NM])O")


def _tnm(text: str) -> str:
    found = TNM.search(text)
    if not found:
        return ""
    t, n, m = found.group("t"), N_SUFFIX.sub("", found.group("n")), found.group("m")
    if "O" in f"{n}{m or ''}":
        if not re.match(r"y?[cpr]", t):
            return ""  # "T2 NO evidence": not a staging read by OCR
        n, m = OCR_ZERO.sub("0", n), OCR_ZERO.sub("0", m) if m else m
    return " ".join(p for p in (t, n, m) if p)


# One category with the prefix that says when it was staged: "ypT1c", "pN1a", "cM0". Read on its
# own, a category needs its prefix: a bare "T2" is an MRI's "T2-weighted" or a vertebra.
CATEGORY = re.compile(
    r"(?<![A-Za-z0-9])(?P<prefix>y[cp]|r[cp]?|[cp])"
    r"(?P<category>T(?:is|[0-4xX])(?:mi|[a-d])?\d?|"
    r"N[0-3xXO](?:mi|[a-c])?(?:\((?:sn|i[+-]|mol[+-])\))?|M[01xXO][a-d]?)"
    r"(?![A-Za-z0-9]|-\w)"
)
# A category defined, not stated: "pT1: tumour ≤ 20 mm", "pN1 = 1-3 nodes"; a legend's heading.
DEFINED = re.compile(r"\s*[:=]\s*[A-Za-z<>≤≥]")
CATEGORY_LEGEND = re.compile(r"\bcategories\b|\bdefinitions?\b", re.IGNORECASE)
# A synoptic report's label for the category it gives, which may define the category after it:
# "Primary Tumor (pT): pT1c: Tumor > 10 mm but ≤ 20 mm".
STAGING_LABEL = re.compile(
    r"\((?:y?[cp]|r)?[TNM]\)|\b[TNM] category|primary tumou?r|regional lymph nodes|"
    r"distant metastas[ie]s",
    re.IGNORECASE,
)
FAMILY = re.compile(r"(y[cp]|r[cp]?|[cp])?T")


def _categories(text: str) -> list[tuple[str, str, str]]:
    """The prefixed categories a sentence states, each with its prefix and part (T, N or M):
    "(ypT1c)", "Regional Lymph Nodes (pN): pN0". A legend states none ("pT categories", "pT1:
    tumour ≤ 20 mm"), nor does a list of one prefix's several T ("pT1 ≤ 20 mm, pT2 > 20 mm")."""
    found = list(CATEGORY.finditer(text))
    if not found or CATEGORY_LEGEND.search(text):
        return []
    label = LABEL_LINE.match(text)
    named = label and STAGING_LABEL.search(label.group("label"))
    if not named and any(DEFINED.match(text, m.end()) for m in found):
        return []
    # a prefixed "pNO" is OCR's pN0
    said = {
        (m.group("prefix"), m.group("category")[0], OCR_ZERO.sub("0", m.group(0))) for m in found
    }
    if len({(prefix, part) for prefix, part, _ in said}) < len(said):
        return []
    return sorted(said, key=lambda s: "TNM".index(s[1]))


def tnm_prefix(value: str) -> str:
    """The prefix of a TNM value's T category, which says when it was staged: "yp" of "ypT1c
    ypN1a", "c" of "cT2 cN1 M0", "" of "T2 N1 M0"."""
    found = FAMILY.match(value)
    return (found.group(1) or "") if found else ""


def _staging(
    staged: dict[str, dict[str, dict[str, Line]]], whole: set[str]
) -> Iterator[tuple[str, Line]]:
    """One record's categories of each prefix, stated apart, as one TNM value cited at the line
    of its T: "(ypT1c)" on one line and "(ypN1a)" on another are "ypT1c ypN1a". A prefix the
    record stages whole on one line ("pT2 pN1a M0") keeps that line's value. A T without an N is
    given alone, and so is each T where the record gives several T or N of one prefix: which
    goes with which is a guess. An N without a T gives nothing."""
    for family, parts in staged.items():
        if family in whole:
            continue
        ts, ns = parts.get("T", {}), parts.get("N", {})
        # a pathologic staging is written with the clinical M it takes ("pT2 pN1a cM0")
        clinical_m = staged.get("c", {}).get("M", {}) if family in ("p", "yp", "rp") else {}
        ms = {**parts.get("M", {}), **clinical_m}
        for t, line in ts.items():
            joined = [t]
            if len(ts) == 1 and len(ns) == 1:
                joined.append(next(iter(ns)))
                if len(ms) == 1:
                    joined.append(next(iter(ms)))
            yield " ".join(joined), line


GLEASON = re.compile(
    r"\bGleason(?:'s)?(?:\s+(?:score|grade|sum|patterns?))?\s*[:\-]?\s*"
    r"(?:(?P<a>[3-5])\s*\+\s*(?P<b>[3-5])(?:\s*=\s*(?P<s>\d{1,2}))?"
    # the total first, its patterns after: "Gleason's score 9 (5+4)", "Gleason score 7 (3 + 4)"
    r"|(?P<total>[6-9]|10)\s*\(\s*(?P<a2>[3-5])\s*\+\s*(?P<b2>[3-5])\s*\))",
    re.IGNORECASE,
)
GRADE_GROUP = re.compile(
    r"\b(?:grade group|ISUP grade(?: group)?|GG)\s*[:\-]?\s*(?P<g>[1-5])\b", re.IGNORECASE
)
PSA = re.compile(
    r"^(?:(?:serum|pre-?operative|pre-?op|baseline|most recent|current|latest)\s+)*(?:PSA|prostate[- ]specific antigen)(?:,?\s*(?:total|serum))?\s*(?:\([^)]{0,20}\))?\s*"
    r"[:\-]?\s*(?P<v>\d{1,4}(?:\.\d{1,3})?)\s*(?:[HL]\s+)?(?P<u>ng/m[lL])?",
    re.IGNORECASE,
)


GLEASON_COLUMN = re.compile(r"^(?=.*\bGLEASON\b)(?=.*\b(?:CORE|SITE|LOCATION|SPECIMEN)\b)", re.I)
# A row's Gleason cell and the grade group in the column after it: "4+3=7      3".
GLEASON_CELL = re.compile(
    r"(?<![\d+])(?P<a>[3-5])\s*\+\s*(?P<b>[3-5])(?:\s*=\s*\d{1,2})?(?:\s{3,}(?P<gg>[1-5])\b)?"
)


def _gleason(text: str) -> str:
    found = GLEASON.search(text)
    if not found:
        return ""
    if found.group("total"):
        a, b = int(found.group("a2")), int(found.group("b2"))
        if a + b != int(found.group("total")):
            return ""  # a total its patterns do not make: a misreading, not a score
    else:
        a, b = int(found.group("a")), int(found.group("b"))
    return f"{a}+{b}={a + b}"


PSA_IN_TEXT = re.compile(
    r"\b(?:PSA|prostate[- ]specific antigen)(?:\s+(?:level|value))?(?:\s+(?:at|on) (?:diagnosis|presentation|referral))?\s*(?:of|was|is|at|:|=)?\s*"
    r"(?P<v>\d{1,4}(?:\.\d{1,3})?)\s*ng/m[lL]\b",
    re.IGNORECASE,
)


def _psa(text: str) -> str:
    found = PSA.search(text)
    if found and (found.group("u") or ":" in text[: found.start("v")]):
        return f"{found.group('v')} ng/mL"
    anywhere = PSA_IN_TEXT.search(text)  # "66-year-old man with PSA 8.4 ng/mL (01/06/2025)"
    return f"{anywhere.group('v')} ng/mL" if anywhere else ""


# --- diagnosis: site and histology ---------------------------------------------------------------

HISTOLOGIES = (
    "invasive ductal carcinoma", "invasive lobular carcinoma", "ductal carcinoma in situ",
    "invasive carcinoma of no special type", "invasive mammary carcinoma",
    "prostatic adenocarcinoma", "acinar adenocarcinoma", "mucinous adenocarcinoma",
    "adenocarcinoma", "squamous cell carcinoma", "small cell carcinoma", "large cell carcinoma",
    "urothelial carcinoma", "clear cell renal cell carcinoma",
    "chromophobe renal cell carcinoma", "papillary renal cell carcinoma", "renal cell carcinoma",
    "hepatocellular carcinoma", "high-grade serous carcinoma", "low-grade serous carcinoma",
    "serous carcinoma", "endometrioid carcinoma", "endometrioid adenocarcinoma",
    "papillary thyroid carcinoma", "follicular thyroid carcinoma", "clear cell carcinoma",
    "classic hodgkin lymphoma", "classical hodgkin lymphoma", "nodular sclerosis classic hodgkin lymphoma", "malignant melanoma", "melanoma",
    "diffuse large b-cell lymphoma", "follicular lymphoma", "hodgkin lymphoma", "glioblastoma",
    "neuroendocrine carcinoma", "neuroendocrine tumor", "mesothelioma", "carcinoid tumor",
)  # fmt: skip
HISTOLOGY = re.compile(
    r"(?<!non-)(?<!non )\b(" + "|".join(re.escape(h) for h in HISTOLOGIES) + r")\b", re.IGNORECASE
)
NOT_A_DIAGNOSIS = re.compile(
    r"negative for|no evidence of|no residual|free of|benign|without|suspicious|atypical|"
    r"probable|possible|presumed|suspected|questionable|likely|involvement\b.*\bby\b|involved by|"
    r"cannot be excluded|metastatic|lymph nodes?|\bnode\b|compatible with known|known|"
    r"synoptic|protocol|\bCAP\b|template|checklist|\bversus\b|\bvs\b|differential",
    re.IGNORECASE,
)
SITES = (
    r"(?:left|right|bilateral)\s+breast", r"breast,\s*(?:left|right)\b", r"breast",
    r"(?:lung,\s*)?(?:left|right)\s+(?:upper|middle|lower)\s+lobe(?:,?\s+(?:of\s+)?(?:the\s+)?lung)?",
    r"(?-i:RUL|RML|RLL|LUL|LLL)",
    r"(?:left|right)\s+lung", r"lung",
    r"(?:right|left)\s+colon\s*\((?:ascending|descending|transverse|sigmoid)(?=\))",
    r"(?:ascending|descending|transverse|sigmoid|right|left)\s+colon",
    r"colon,?\s+(?:ascending|descending|transverse|sigmoid)", r"cecum", r"rectum", r"rectosigmoid",
    r"prostate", r"pancreas", r"(?:left|right)\s+ovary", r"ovary", r"stomach,\s*(?:gastric\s+)?(?:body|antrum|fundus|cardia)\b",
    r"gastric\s+(?:body|antrum|fundus|cardia)", r"stomach", r"esophagus",
    r"(?:left|right)\s+kidney", r"kidney,\s*(?:left|right)\b", r"urinary bladder", r"bladder", r"thyroid", r"liver", r"cervix", r"endometrium",
    r"skin,\s+[a-z ]{3,30}",
)  # fmt: skip
SITE_ANYWHERE = re.compile(r"\b(" + "|".join(SITES) + r")\b", re.IGNORECASE)
SITE = re.compile(
    r"^(?:[A-Z]\.\s*|\d\.\s*|-\s*)?(?:(?:tumou?r|primary(?: tumou?r)?)\s+site\s*:\s*)?("
    + "|".join(SITES)
    + r")\b",
    re.IGNORECASE,
)
# A cancer named with its place, outside a diagnosis block.
OF_SITE = re.compile(
    r",?\s*(?:of|in)\s+(?:the\s+)?(?=(?:" + "|".join(SITES) + r")\b)", re.IGNORECASE
)
SITE_BEFORE = re.compile(r"(?:^|[\s:(-])(" + "|".join(SITES) + r")[\s,]*$", re.IGNORECASE)
ORGANS_ONLY = frozenset({"lung", "breast"})  # a side or lobe is what a center needs
# Labels under which a cancer is the reason for a test or its history, not the finding.
ASIDE = re.compile(
    r"indication|history|reason|submitted|clinical|referr|request|question|"
    r"background|prior|previous|original",
    re.IGNORECASE,
)
# Sentences that explain cancers in general or speak to the patient, not a record's diagnosis.
EXPLAINS = re.compile(
    r"\b(?:you|your|patients with|cancers|carcinomas|tumou?rs are|occurs?|found in|seen in|"
    r"commonly|often|most|approximately|about \d|percent|%)",
    re.IGNORECASE,
)
DIAGNOSIS_LABEL = re.compile(
    r"^(?:(?:final\s+|pathologic(?:al)?\s+|surgical pathology\s+|oncologic\s+|cancer\s+|primary\s+)?(?:diagn[o0]s[ie]s|dx)|"
    r"assessment(?:\s*(?:and|&)\s*plan)?|impression)\b"
    r"(?!.*(?:submitted|clinical|referring|provisional|provided|pre-?op|working|history))",
    re.IGNORECASE,
)


def _histology_name(found: re.Match[str], text: str) -> str:
    """The tumour type as one name: "adenocarcinoma, acinar type" is "acinar adenocarcinoma";
    a melanoma is "malignant melanoma"."""
    name = found.group(1).lower()
    if name == "melanoma":
        return "malignant melanoma"
    if name == "serous carcinoma" and re.match(
        r",?\s*\(?high[- ]grade\b", text[found.end() :], re.I
    ):
        return "high-grade serous carcinoma"  # "SEROUS CARCINOMA, HIGH GRADE"
    if name == "endometrioid carcinoma":
        return "endometrioid adenocarcinoma"  # one tumour, two names
    if name.endswith("adenocarcinoma") and re.match(r",?\s*acinar type", text[found.end() :], re.I):
        return "acinar adenocarcinoma"
    subtype = re.match(
        r",?\s*(clear cell|chromophobe|papillary)\s+(?:type|subtype)\b", text[found.end() :], re.I
    )
    if name == "renal cell carcinoma" and subtype:  # "renal cell carcinoma, clear cell type"
        return f"{subtype.group(1).lower()} renal cell carcinoma"
    return name


def _site_name(text: str) -> str:
    """One name for one place: "breast, right" is "right breast"; a lobe is "… lobe of lung"."""
    name = " ".join(text.lower().replace(",", ", ").split()).replace(" ,", ",").rstrip(",")
    colon = re.match(r"colon, (\w+)$", name) or re.match(r"(?:right|left) colon \((\w+)\)?$", name)
    if colon:
        return f"{colon.group(1)} colon"
    if name == "bladder":
        return "urinary bladder"
    part = re.match(r"stomach, (?:gastric )?(body|antrum|fundus|cardia)$", name)
    if part:
        return f"gastric {part.group(1)}"
    side = re.match(r"(breast|kidney|ovary), (left|right)$", name)
    if side:
        return f"{side.group(2)} {side.group(1)}"
    lobe = re.search(r"(left|right) (upper|middle|lower) lobe", name)
    short = {"rul": "right upper", "rml": "right middle", "rll": "right lower",
             "lul": "left upper", "lll": "left lower"}  # fmt: skip
    if name in short:
        return f"{short[name]} lobe of lung"
    return f"{lobe.group(0)} of lung" if lobe else name


NOTTINGHAM_TOTAL = re.compile(
    r"\b(?:total|overall|nottingham|combined|sum)\s+score\s*[:=]?\s*(?:of\s*)?(?P<a>[3-9])\b(?!\s*/\s*[0-8]\b|\s*\+)|"
    r"=\s*(?:total\s+)?score\s*(?P<b>[3-9])\b|\bscore\s*(?P<c>[3-9])\s*/\s*9\b|\((?P<d>[3-9])/9\)|"
    r"mitos[ie]s\s*(?:count\s*)?\d\s*(?:[;,]\s*(?:total\s+)?score\s*|=\s*(?:total\s*)?|[-–;,]\s*total\s*[:=]?\s*)(?P<e>[3-9])\b|"
    r"\bT\s*[1-3]\s*,?\s*P\s*[1-3]\s*,?\s*M\s*[1-3]\s*[;,]?\s*(?:total|score|sum)\s*[:=]?\s*(?P<f>[3-9])\b|"
    r"\b[1-3]\s*\+\s*[1-3]\s*\+\s*[1-3]\s*=\s*(?P<h>[3-9])\b|"
    r"^\s*total(?:\s+score)?\s*[:=]\s*(?P<g>[3-9])\b(?!\s*(?:/\s*[0-8]\b|%|mm|cm|cores?|nodes?))",
    re.IGNORECASE,
)
GRADE_OF_TOTAL = {3: "1", 4: "1", 5: "1", 6: "2", 7: "2", 8: "3", 9: "3"}

# A test named on a line of its own ("HER2 DUAL-PROBE ISH (HER2/CEP17), BLOCK A2:", "2) Micro-
# satellite instability (PCR)"), whose result the lines under it give without naming it again.
TOPICS = (
    ("HER2 ISH", re.compile(r"HER-?2.*\b(?:F?ISH|in situ)|\b(?:F?ISH|in situ hybridi[sz]ation)\b.*HER-?2", re.I)),
    ("MSI", re.compile(r"microsatellite|\bMSI\b", re.I)),
    ("PD-L1", re.compile(r"\bPD-?L1\b", re.I)),
    ("HER2", re.compile(r"\bHER-?2\b", re.I)),
    ("Ki-67", re.compile(r"\bKi-?67\b", re.I)),
    ("ER", re.compile(r"\b(?:o?estrogen receptor|ER)\b", re.I)),
    ("PR", re.compile(r"\b(?:progesterone receptor|PgR|PR)\b", re.I)),
)  # fmt: skip
# A ticked option of a checklist ("[x] Positive") is the result of the test above it; an
# unticked one ("[ ] Negative (<1%)") says nothing; "[Y]" and "[N]" tick a trial's criteria.
TICKED = re.compile(r"^\s*\[\s*[xX✓✔]\s*\]\s*")
UNTICKED = re.compile(
    r"^\s*\[\s*\]|\[\s*[YN]\s*\]|(?:\[\s*[xX✓✔]?\s*\].*){2}"  # a form's row of boxes: a criterion
)
RESULT_LABEL = re.compile(
    r"^(?:final\s+|overall\s+)?(?:results?|interpretation|status|conclusion|score|ratio|"
    r"percentage of (?:tumou?r )?cells[^:]{0,40}|"
    r"tumou?r proportion score(?:\s*\(TPS\))?|combined positive score(?:\s*\(CPS\))?|TPS|CPS)\s*:",
    re.IGNORECASE,
)


def _topic(line: Line) -> str | None:
    """The test a heading, a title or a numbered line names, if it is one packet reads results
    of ("Fluorescence In Situ Hybridization (FISH) Report — HER2 (ERBB2)")."""
    text = " ".join(line.text.split())
    titled = (
        line.heading
        or re.match(r"(?:\d{1,2}[.)]|[A-Z][.)])\s", text)
        or text.endswith(":")
        or (len(text) < 90 and ":" not in text and not VERDICT.search(text))
    )
    if not titled:
        return None
    return next((name for name, pattern in TOPICS if pattern.search(text)), None)


VERDICT = re.compile(
    rf"\b(?:{POSITIVE}|{NEGATIVE}|equivocal|high|low|stable)\b|\d\s*%|\d\+", re.IGNORECASE
)


def _refines(general: str, specific: str) -> bool:
    """`specific` says all `general` says and more: "positive (95%)" of "positive", "V600E
    detected" of "detected", "not amplified (ISH ratio 1.4)" of "not amplified (ISH)"."""
    g, s = general.casefold(), specific.casefold()
    return g != s and (
        set(g.replace(",", " ").split()) < set(s.replace(",", " ").split())
        or s.startswith((g + " ", g + "("))
        or s.endswith(" " + g)
        or (g.endswith(")") and s.startswith(g[:-1] + " "))
    )


# --- the engine ----------------------------------------------------------------------------------

LineRule = Callable[[str], str]
# Each rule with the words (lower case) a line must hold for the rule to be tried at all.
LINE_RULES: tuple[tuple[FactKind, LineRule, tuple[str, ...]], ...] = (
    (FactKind.ER, _receptor(FactKind.ER, RECEPTORS[FactKind.ER]), ("er", "estrogen", "oestrogen")),
    (FactKind.PR, _receptor(FactKind.PR, RECEPTORS[FactKind.PR]), ("pr", "pgr", "progesterone")),
    (FactKind.HER2, _her2, ("her", "erbb2")),
    (FactKind.KI67, _ki67, ("ki", "mib")),
    (FactKind.PDL1, _pdl1, ("pd-l1", "pdl1", "pd l1")),
    (FactKind.MSI, _msi, ("msi", "mss", "ms-stable", "microsatellite")),
    (FactKind.GRADE, _grade, ("grade",)),
    (FactKind.STAGE, _stage, ("stage",)),
    (FactKind.TNM, _tnm, ("n0", "n1", "n2", "n3", "nx", "no")),  # "no": OCR's N0
    (FactKind.GLEASON, _gleason, ("gleason",)),
    (FactKind.PSA, _psa, ("psa", "prostate")),
    (FactKind.HRD, _hrd, ("hrd", "homologous", "genomic instability")),
    (FactKind.HER2, _her2_by_method, ("her", "erbb2")),
    (FactKind.ER, _no_stain(FactKind.ER), ("er", "estrogen", "oestrogen")),
    (FactKind.PR, _no_stain(FactKind.PR), ("pr", "pgr", "progesterone")),
    (FactKind.P53, _p53, ("p53",)),
)  # fmt: skip
OTHER_WORDS: tuple[str, ...] = (
    "+", "-", "egfr", "alk", "ros1", "ras", "braf", "grade group", "isup", "gg", "mlh1",
    "msh", "pms2", "mmr", "mismatch", "carcinoma", "lymphoma", "melanoma", "glioblastoma",
    "mesothelioma", "tumor", "tumour", "site", "histolog",
)  # fmt: skip
OTHER_WORDS += GENE_WORDS  # the genes the expected-results table asks for


# Every rule needs one of these words: a line without any is only looked at for its role.
TRIGGER = re.compile(
    r"receptor|\bP?g?R\b|\bER\b|HER-?2|ERBB2|Ki-?67|grade|stage|\b[cpyr]{0,2}T(?:is|[0-4xX])|"
    r"(?-i:\b(?:y[cp]|r[cp]?|[cp])[NM][0-3xXO])|"
    r"EGFR|ALK|ROS1|[KN]RAS|BRAF|PD-?L1|MLH1|MSH[26]|PMS2|MMR|MSI|MSS|microsatellite|Gleason|"
    r"GG\b|PSA|prostate[- ]specific|site|histolog|carcinoma|lymphoma|melanoma|glioblastoma|"
    r"mesothelioma|tumou?r|neoplasm|"
    r"\b(?:MET|RET|NTRK\d?|pan-?TRK|BRCA\s?[12]?|PALB2|POLE|TP53|p53|FGFR3|HRD|MIB-?1)\b|"
    r"homologous recombination|genomic instability",
    re.IGNORECASE,
)


def extract(pages: Sequence[str]) -> list[Fact]:
    """The facts the text of one record states, each with the page (from 1) it was read on."""
    if not any(TRIGGER.search(page) or TRIGGER.search(_ocr_mended(page)) for page in pages):
        return []
    if pages and GENERAL_INFORMATION.search("\n".join(pages[0].splitlines()[:HEADER_LINES])):
        return []  # a handout explains results in general; it states none of this patient's
    facts: list[Fact] = []
    seen: set[tuple[FactKind, str]] = set()
    prostate = any(re.search(r"gleason|prostat", page, re.IGNORECASE) for page in pages)
    mmr: dict[str, tuple[bool, Line]] = {}
    diagnosis_block = False

    def add(kind: FactKind, value: str, line: Line) -> None:
        if value and (kind, value.casefold()) not in seen:
            seen.add((kind, value.casefold()))
            facts.append(Fact(kind=kind, value=value, page=line.page, quote=_quote(line.text)))

    said: list[tuple[FactKind, str]] = []  # what a diagnosis line gives, before it is judged

    def note(kind: FactKind, value: str, _: Line) -> None:
        said.append((kind, value))

    pending_site = ""
    staged: dict[str, dict[str, dict[str, Line]]] = {}  # prefix → T, N or M → category → line
    whole: set[str] = set()  # the prefixes staged whole on one line
    ratios: dict[int, str] = {}
    totals: set[str] = set()
    shares: dict[FactKind, str] = {}
    gleason_table = False
    topic: str | None = None
    page = 0
    receptor: tuple[FactKind, int] | None = None  # the receptor a synoptic block is about
    specimen_site: tuple[str, Line] | None = None  # "Specimen: Lung, right lower lobe, …"
    descriptor = ""  # "y" or "r", from a synoptic report's "TNM Descriptors:" line
    for number, line in enumerate(_lines(pages)):
        if line.page != page:
            page, topic = line.page, None
        opens = RECEPTOR_OPENS.match(line.text)
        if opens:
            name = opens.group(1).lower()
            kind = FactKind.PR if name.startswith(("p", "pg")) else FactKind.ER
            receptor = (kind, number)
        elif receptor and number - receptor[1] <= RECEPTOR_BLOCK:
            share = SHARE_LINE.match(line.text)
            if share:  # "Percentage of cells with nuclear positivity: 91-100%", below ER's line
                shares.setdefault(
                    receptor[0], re.sub(r"\s+", "", share.group("p")).replace("–", "-") + "%"
                )
        if STAIN_LIST.search(line.text):
            continue  # "ER-C. PR-C. HER2-. NEG CONT.": stains ordered, with their controls
        described = DESCRIPTORS.match(line.text)
        if described:
            descriptor = (
                "y"
                if "y" in described.group("d").lower()
                else "r"
                if "r" in described.group("d").lower()
                else ""
            )
            continue
        if specimen_site is None and _specimen_site(line.text):
            specimen_site = (_specimen_site(line.text), line)
        if UNTICKED.search(line.text):
            continue
        named = _topic(line)
        if named:
            topic = named  # a heading that names no test ("RESULTS") keeps the test it is under
        elif topic and (RESULT_LABEL.match(line.text) or TICKED.match(line.text)):
            # "RESULT: AMPLIFIED" under HER2 ISH; "[x] Positive" under Estrogen Receptor (ER)
            line = Line(line.page, f"{topic} {TICKED.sub('', line.text)}")
        low = line.text.lower()
        if (
            "gleason" in low
            and GLEASON_COLUMN.search(line.text)
            and ("   " in line.text or line.text.isupper())  # columns, not a sentence naming a core
        ):
            gleason_table = True  # a cores table: "CORE  LOCATION  DIAGNOSIS  GLEASON  GG …"
            continue
        if gleason_table:
            cell = GLEASON_CELL.search(line.text) if "   " in line.text else None
            if cell:
                a, b = int(cell.group("a")), int(cell.group("b"))
                add(FactKind.GLEASON, f"{a}+{b}={a + b}", line)
                if cell.group("gg"):
                    add(FactKind.GRADE_GROUP, cell.group("gg"), line)
                continue
            if not re.match(r"[-=\s]+$|\s*[A-Z0-9]{1,3}\b", line.text) or line.heading:
                gleason_table = False  # the table has ended
        total = (
            NOTTINGHAM_TOTAL.search(line.text)
            if any(w in low for w in ("score", "total", "/9", "mitos", "sum", "="))
            else None
        )
        if total:
            totals.add(next(v for v in total.groups() if v))
        if line.heading:
            site = SITE.match(line.text)
            if DIAGNOSIS_LABEL.match(line.text):
                diagnosis_block, pending_site = True, ""
            elif diagnosis_block and site:
                pending_site = _site_name(site.group(1))  # "A. Right breast, core biopsy:"
            else:
                diagnosis_block, pending_site = False, ""
            continue
        label = LABEL_LINE.match(line.text)
        specimen = line.text
        if label and DIAGNOSIS_LABEL.match(label.group("label")):
            diagnosis_block, specimen = True, label.group("rest")
        site = SITE.match(specimen.strip())
        if diagnosis_block and site and specimen.rstrip().endswith(":"):
            pending_site = _site_name(site.group(1))  # "A. LEFT BREAST, 2:00, CORE BIOPSY:"
            continue
        if (
            not TRIGGER.search(line.text)
            or RELATIVE.search(line.text[:RELATIVE_OPENS])
            or "NCT" in line.text  # a clinical trial's listing: whom it takes, not a result
            or re.search(r"\bPhase\s+(?:[1-3]|I{1,3})(?:/(?:[1-3]|I{1,3}))?[ab]?\b", line.text)
            or LEGEND.search(line.text)
            or EXPLAINER.match(line.text)
        ):
            continue  # a line about a relative ("- Your mother, … Her records show ER-positive")
        share = RECEPTOR_SHARE.match(line.text) if "%" in low else None
        if share:
            kind = (
                FactKind.ER
                if share.group("m").lower() in ("er", "estrogen receptor")
                else FactKind.PR
            )
            shares[kind] = share.group("p") + "%"
        ratio = HER2_RATIO.search(line.text) if "ratio" in low else None
        if ratio:
            ratios.setdefault(line.page, ratio.group(1))
        for text in SENTENCES.split(line.text):
            low = text.lower()
            rules = [
                (kind, rule) for kind, rule, words in LINE_RULES if any(w in low for w in words)
            ]
            categories = _categories(text) if re.search("[TNM](?:is|[0-4xXO])", text) else []
            if descriptor:
                categories = [
                    (descriptor + p, part, descriptor + c) for p, part, c in categories if p == "p"
                ] + [c for c in categories if c[0] != "p"]
            if not rules and not categories and not any(w in low for w in OTHER_WORDS):
                continue  # nothing any rule reads: no need to judge the sentence
            found = _sentence(text, low, rules, prostate)
            if descriptor:
                found = [
                    (kind, _with_descriptor(value, descriptor) if kind is FactKind.TNM else value)
                    for kind, value in found
                ]
            proteins = _mmr_proteins(text)
            said.clear()
            _diagnosis(text, line, LABEL_LINE.match(text), diagnosis_block, pending_site, note)
            # Judged only when it says something: most sentences give nothing to judge.
            if (
                not (found or proteins or said or categories)
                or NOT_A_RESULT.search(text)
                or RELATIVE.search(text)
            ):
                continue
            for kind, value in found + said:
                add(kind, value, line)
            tnm = next((value for kind, value in found if kind is FactKind.TNM), "")
            if tnm:
                whole.add(tnm_prefix(tnm))
            for prefix, part, category in categories:
                if not tnm or prefix != tnm_prefix(tnm):  # "cT2 cN1 M0" beside a later "ypT1c"
                    staged.setdefault(prefix, {}).setdefault(part, {}).setdefault(category, line)
            for protein, gone in proteins.items():
                mmr[protein] = (gone, line)
    if len(mmr) == len(MMR_PROTEINS):
        lost = [p for p, (gone, _) in mmr.items() if gone]
        last = max((line for _, line in mmr.values()), key=lambda line: line.page)
        add(
            FactKind.MMR,
            f"deficient ({', '.join(lost)} lost)" if lost else "proficient (intact)",
            last,
        )
    for value, line in _staging(staged, whole):
        add(FactKind.TNM, value, line)
    if specimen_site and _primary_specimen(facts, pages):
        add(FactKind.PRIMARY_SITE, _site_name(specimen_site[0]), specimen_site[1])
    return _settled(facts, ratios, totals, shares) + _panel_negatives(pages, facts)


def _with_descriptor(value: str, descriptor: str) -> str:
    """A pathologic staging under "TNM Descriptors: y": "pT1c pN1a" is "ypT1c ypN1a"."""
    return re.sub(r"(?<![A-Za-z])p(?=[TN])", descriptor + "p", value)


def _primary_specimen(facts: list[Fact], pages: Sequence[str]) -> bool:
    """Whether the specimen's place is the cancer's primary site: the record diagnoses a
    cancer, names no primary site itself, and speaks of no metastasis."""
    kinds = {fact.kind for fact in facts}
    return (
        FactKind.HISTOLOGY in kinds
        and FactKind.PRIMARY_SITE not in kinds
        and not any(re.search(r"metasta", page, re.IGNORECASE) for page in pages)
    )


SPECIMEN_LABEL = re.compile(
    r"(?:^|\s{2,})(?:specimen|sample)(?:\s+(?:site|source|type))?\s*:\s*(?P<rest>.+)", re.I
)
NOT_PRIMARY = re.compile(r"metasta|lymph|\bnodes?\b|liver|bone|brain|pleural|effusion|fluid", re.I)


def _specimen_site(text: str) -> str:
    """The place a specimen label names ("Specimen: Lung, right lower lobe, core biopsy"): a
    cancer's primary site only if the record names no other (see `_primary_specimen`)."""
    label = SPECIMEN_LABEL.search(text)
    if not label or NOT_PRIMARY.search(label.group("rest")):
        return ""
    place = SITE_ANYWHERE.search(label.group("rest")[:80])
    if not place or place.group(1).lower() in ORGANS_ONLY:
        return ""
    return place.group(1)


# A synoptic receptor block: its first line names the receptor, the lines below give its share.
RECEPTOR_OPENS = re.compile(
    r"^\s*(?:[-•*]\s*)?(estrogen receptor|oestrogen receptor|progesterone receptor|ER|PR|PgR)\b"
    r"(?:\s*\((?:ER|PR|PgR)\))?(?:\s+status)?\s*:",
    re.IGNORECASE,
)
RECEPTOR_BLOCK = 3  # lines
SHARE_LINE = re.compile(
    r"^\s*(?:[-•*]\s*)?(?:percentage|percent|proportion|%)\s+(?:of\s+)?(?:invasive\s+)?"
    r"(?:tumou?r\s+)?(?:cells\s+)?(?:with\s+)?(?:nuclear\s+)?(?:positiv\w*|staining|stained|"
    r"positive\s+cells)[^:\d]{0,30}:\s*(?P<p>[<>]?\d{1,3}(?:\s*[-–]\s*\d{1,3})?)\s*%",
    re.IGNORECASE,
)
# A list of stains ordered, each with its control ("ER-C. PR-C. HER2-. NEG CONT."): no results.
STAIN_LIST = re.compile(
    r"\b(?:NEG|POS)(?:ATIVE)?\.?\s*CONT(?:ROLS?)?\b|(?:\b[A-Z][A-Z0-9]{1,6}-C\b[^\n]*){2}"
)
RECEPTOR_SHARE = re.compile(
    r"^\s*(?P<m>ER|PR|PgR|estrogen receptor|progesterone receptor)\b[^:\d%]{0,20}(?:%|percentage)[^\d]{0,50}?"
    r"(?P<p>[<>]?\d{1,3})\s*%",
    re.IGNORECASE,
)


def _sentence(
    text: str, low: str, rules: list[tuple[FactKind, LineRule]], prostate: bool
) -> list[tuple[FactKind, str]]:
    """What one sentence states, before it is judged (a criterion, a relative's result…)."""
    out = [(kind, rule(text)) for kind, rule in rules]
    if re.search(r"\b(?:er|pr|pgr|her-?2)\s*[+-]", low):
        out += _profile(text)
    if any(gene in low for gene in GENE_WORDS):
        for clause in [text] if TABLE_ROW.match(text) else CLAUSES.split(text):
            out += _genes(clause)
    if "grade" in low or "gg" in low or "isup" in low:
        for group in GRADE_GROUP.finditer(text):
            if prostate or "group" in group.group(0).lower() or group.group(0) == "GG":
                out.append((FactKind.GRADE_GROUP, group.group("g")))
            else:  # "WHO/ISUP grade: 3" of a kidney cancer: the tumour's grade
                out.append((FactKind.GRADE, group.group("g")))
    summary = MMR_SUMMARY.search(text) if "mmr" in low or "mismatch" in low else None
    if summary:
        word = summary.group("v").lower()
        deficient = word.startswith("d") or "deficient" in word
        lost = [p for p in MMR_PROTEINS if _mmr_proteins(text).get(p)]
        named = f"deficient ({', '.join(lost)} lost)" if lost else "deficient"
        out.append((FactKind.MMR, named if deficient else "proficient (intact)"))
    return [(kind, value) for kind, value in out if value]


def _settled(
    facts: list[Fact], ratios: dict[int, str], totals: set[str], shares: dict[FactKind, str]
) -> list[Fact]:
    """An ISH result with the ratio its page gives; a grade with the report's one Nottingham
    total, where they agree; an in-situ component dropped beside the invasive cancer it
    accompanies; a value dropped where the same record states it in more detail."""
    invasive = any(f.kind is FactKind.HISTOLOGY and "in situ" not in f.value for f in facts)
    total = next(iter(totals)) if len(totals) == 1 else ""
    out = []
    for fact in facts:
        if fact.kind is FactKind.HISTOLOGY and invasive and "in situ" in fact.value:
            continue
        if fact.kind is FactKind.HER2 and fact.value.endswith("(ISH)") and fact.page in ratios:
            fact = fact.model_copy(
                update={"value": f"{fact.value[:-1]} ratio {ratios[fact.page]})"}
            )
        if fact.kind in shares and fact.value in ("positive", "negative"):
            fact = fact.model_copy(update={"value": f"{fact.value} ({shares[fact.kind]})"})
        if fact.kind is FactKind.GRADE and total and GRADE_OF_TOTAL[int(total)] == fact.value:
            fact = fact.model_copy(update={"value": f"{fact.value} (Nottingham score {total})"})
        out.append(fact)
    kept: list[Fact] = []
    for fact in out:
        if fact.kind is not FactKind.PSA and any(
            o.kind is fact.kind and _refines(fact.value, o.value) for o in out
        ):
            continue
        if not any(
            k.kind is fact.kind and k.value.casefold() == fact.value.casefold() for k in kept
        ):
            kept.append(fact)
    return kept


def _diagnosis(
    text: str,
    line: Line,
    label: re.Match[str] | None,
    in_diagnosis: bool,
    pending_site: str,
    add: Callable[[FactKind, str, Line], None],
) -> None:
    """Site and histology from a synoptic line ("Histologic type: …", "Tumor site: …") or a
    diagnosis line ("Left breast, core biopsy: Invasive ductal carcinoma")."""
    if label:
        name = label.group("label").lower()
        rest = label.group("rest")
        if re.match(r"(?:tumou?r|primary(?: tumou?r)?) site", name):
            site = SITE.match(rest.strip())
            if site:
                add(FactKind.PRIMARY_SITE, _site_name(site.group(1)), line)
            return
        if re.search(r"histologic(?:al)? type|histology|tumou?r type", name):
            histology = HISTOLOGY.search(rest)
            if histology:
                add(FactKind.HISTOLOGY, _histology_name(histology, rest), line)
            return
    if label and DIAGNOSIS_LABEL.match(label.group("label")):
        text, in_diagnosis = label.group("rest"), True  # "Diagnosis: Skin, back: Melanoma"
    elif (
        label and SITE.match(label.group("label")) and HISTOLOGY.match(label.group("rest").strip())
    ):
        in_diagnosis = True  # "Left breast, 1 o'clock, core biopsy: invasive lobular carcinoma"
    if NOT_A_DIAGNOSIS.search(text):
        return
    histology = HISTOLOGY.search(text)
    if not histology:
        return
    if not in_diagnosis:
        # Outside a diagnosis, only a cancer named with its place is one: "adenocarcinoma of
        # the sigmoid colon", "right breast invasive ductal carcinoma" (in a note, a letter).
        after = OF_SITE.match(text, histology.end())
        place = (
            SITE_ANYWHERE.match(text, after.end())
            if after
            else SITE_BEFORE.search(text[: histology.start()])
        )
        if (
            not place
            or place.group(1).lower() in ORGANS_ONLY  # "lung adenocarcinoma": which lobe?
            or EXPLAINS.search(text)
            or (label and ASIDE.search(label.group("label")))
        ):
            return
        in_diagnosis = True
    add(FactKind.HISTOLOGY, _histology_name(histology, text), line)
    site = SITE.match(text)
    of_site = re.match(
        r"\s*,?\s*(?:\w+\s+){0,2}?(?:of|in|involving|arising in)\s+(?:the\s+)?|"
        r"\s*\(\s*(?=(?:RUL|RML|RLL|LUL|LLL) primary\))",  # "lung adenocarcinoma (LUL primary)"
        text[histology.end() :],
    )
    after = SITE_ANYWHERE.match(text, histology.end() + of_site.end()) if of_site else None
    before = re.search(
        r"(?:^|\s)(" + "|".join(SITES) + r")[\s,]*$", text[: histology.start()], re.I
    )
    if site and site.start(1) < histology.start():
        add(FactKind.PRIMARY_SITE, _site_name(site.group(1)), line)
    elif after:  # "adenocarcinoma of the left upper lobe"
        add(FactKind.PRIMARY_SITE, _site_name(after.group(1)), line)
    elif before:  # "right breast invasive ductal carcinoma"
        add(FactKind.PRIMARY_SITE, _site_name(before.group(1)), line)
    elif pending_site and re.fullmatch(
        r"[-•*\s]*(?:[A-Za-z-]+\s+){0,2}", text[: histology.start()]
    ):
        # the line under "Left breast, biopsy:" ("- Invasive ductal carcinoma", "Prostatic
        # acinar adenocarcinoma in 3 of 12 cores")
        add(FactKind.PRIMARY_SITE, pending_site, line)
