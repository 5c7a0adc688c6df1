"""How much of each C-CDA reaches the packet, per vendor: read or refused, the title taken from
the document, the date right, and the coded items (allergies, problems, results, procedures,
medications) that arrive where a clinician reads them.

    python tests/benchmarks/ccda.py [FOLDER ...] [--per-vendor N]

Without folders it measures the committed samples (HL7's C-CDA examples, CC0: `tests/ccda/`,
`tests/benchmarks/ccda_b/`). Given folders (for instance a copy of github.com/chb/sample_ccdas,
not committed: it carries no licence), each folder names a vendor. Each file is
checked alone, in a records folder of its own whose packet.toml names the document's own
patient, so identity checks keep nothing out.

The figures, per vendor:
- read: filed as a record (refused: a problem instead, with its message counted);
- own title: the packet's title is the document's `<title>` (or, where that only restates the
  type, the type's heading — counted as "type") — never the same title for every file;
- date right: the packet's date is one of the header's dates that says when the care happened
  (the encounter, a service of a month or less, the document's own `effectiveTime`), never the
  date of birth; "undated" when the header gives none;
- coded: entries in the allergy, problem, result, procedure and medication sections, against
  those that reach the packet (the cover's allergies, the summary's diagnosis and result rows,
  the timeline, the current medications). Cancer problems and oncology results alone go to the
  summary, so "problems" counts the coded cancers, "results" the oncology results.

Exit code 0 whatever the figures. No network.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from defusedxml import ElementTree

from packet.check import check_folder
from packet.formats import ccda
from packet.models import DocumentStatus, FactKind

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = [ROOT / "tests" / "ccda", ROOT / "tests" / "benchmarks" / "ccda_b"]
NS = "{urn:hl7-org:v3}"


def _header_dates(path: Path) -> tuple[set[str], str]:
    """The dates the header gives for the care, and the date of birth."""
    try:
        root = ccda._parse(path)
    except Exception:
        return set(), ""
    dates = set()

    def day(element: object) -> str:
        value = getattr(element, "get", lambda *_: "")("value", "") or ""
        return f"{value[:4]}-{value[4:6]}-{value[6:8]}" if len(value) >= 8 else ""

    made = root.find(f"{NS}effectiveTime")
    dates.add(day(made))
    encounter = root.find(f"{NS}componentOf/{NS}encompassingEncounter/{NS}effectiveTime")
    if encounter is not None:
        dates.add(day(encounter.find(f"{NS}low")) or day(encounter))
    service = root.find(f"{NS}documentationOf/{NS}serviceEvent/{NS}effectiveTime")
    if service is not None:
        low = day(service.find(f"{NS}low")) or day(service)
        high = day(service.find(f"{NS}high"))
        end = high or day(made)
        if low and end and low <= end and _days(low, end) <= 31:
            dates.add(low)
        code = root.find(f"{NS}code")
        if low and code is not None and code.get("code") in ccda.PROCEDURE_TYPES:
            dates.add(low)  # an operation, a scan, a specimen: the day it was done
    birth = root.find(f"{NS}recordTarget/{NS}patientRole/{NS}patient/{NS}birthTime")
    born = day(birth) if birth is not None else ""
    return {d for d in dates if d and d != born}, born


def _days(a: str, b: str) -> int:
    from datetime import date

    try:
        return (date.fromisoformat(b) - date.fromisoformat(a)).days
    except ValueError:
        return 10_000


def _patient(path: Path) -> tuple[str, str]:
    try:
        text = ccda.to_text(path)
    except Exception:
        return "", ""
    fields = dict(line.split(": ", 1) for line in text.splitlines()[1:8] if ": " in line)
    return fields.get("Patient", ""), fields.get("Date of birth", "")


def measure(path: Path) -> dict[str, object]:
    name, born = _patient(path)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "records"
        root.mkdir()
        birth = f"date_of_birth = {born}\n" if re.fullmatch(r"\d{4}-\d\d-\d\d", born) else ""
        (root / "packet.toml").write_text(
            f"[patient]\nname = {json.dumps(name)}\n{birth}",
            encoding="utf-8",
        )
        (root / "record.xml").write_bytes(path.read_bytes())
        report, index = check_folder(root)
    docs = [d for d in report.documents if d.path == "record.xml"]
    doc = docs[0] if docs else None
    read = doc is not None and doc.status is DocumentStatus.INCLUDED
    coded = index.facts.get("record.xml")
    own_title = ""
    try:
        element = ElementTree.parse(str(path)).getroot().find(f"{NS}title")
        own_title = " ".join("".join(element.itertext()).split()) if element is not None else ""
    except Exception:
        pass
    dates, born = _header_dates(path)
    result: dict[str, object] = {
        "read": read,
        "problem": next((p.message[:60] for p in report.problems if p.path == "record.xml"), ""),
        "title": doc.title if doc else "",
        "own": bool(doc and coded and coded.title and doc.title == _tidy(coded.title)),
        "typed": bool(doc and coded and not coded.title and own_title),
        "date_right": bool(doc and doc.date and str(doc.date) in dates),
        "date_birth": bool(doc and doc.date and str(doc.date) == born),
        "undated": not dates,
    }
    if coded is not None and read:
        events = [e for e in report.timeline if "record.xml" in e.documents]
        result |= {
            "allergies": (len(coded.allergies), sum(len(a.sources) for a in report.allergies)),
            "problems": (
                sum(p.cancer for p in coded.problems),
                sum(f.kind is FactKind.DIAGNOSIS for f in doc.facts) if doc else 0,
            ),
            "results": (
                sum(r.oncology for r in coded.results),
                sum(f.quote.startswith("coded result") for f in (doc.facts if doc else [])),
            ),
            "procedures": (
                sum(e.kind != "visit" for e in coded.events),
                sum(
                    e.kind != "visit"
                    and any(t.description.lower() == e.description.lower() for t in events)
                    for e in coded.events
                ),
            ),
            "medications": (
                sum(m.current for m in coded.medications),
                sum(1 for m in report.medications if m.source == "record.xml"),
            ),
            "all_medications": len(coded.medications),
            "institution": bool(doc and doc.institution),
            "mrn": bool(doc and doc.mrn),
        }
    return result


def _tidy(title: str) -> str:
    from packet.classify import tidy_title

    return tidy_title(title) or title


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--per-vendor", type=int, default=25, help="files measured per vendor")
    args = parser.parse_args()
    files: dict[str, list[Path]] = defaultdict(list)
    for folder in args.folders or COMMITTED:
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() != ".xml" or not path.is_file():
                continue
            vendor = folder.name if args.folders else "HL7 (committed)"
            if len(files[vendor]) < args.per_vendor:
                files[vendor].append(path)
    print(
        f"{'vendor':<28}{'files':>6}{'read':>6}{'own title':>10}{'type':>6}{'date ok':>8}"
        f"{'undated':>8}{'DOB':>5}  coded → in the packet (allergies, cancers, onc. results, "
        "procedures, current meds), institution, MRN"
    )
    totals: Counter[str] = Counter()
    for vendor, paths in sorted(files.items()):
        rows = [measure(p) for p in paths]
        counts: Counter[str] = Counter()
        for row in rows:
            for key in ("read", "own", "typed", "date_right", "date_birth", "undated"):
                counts[key] += bool(row[key])
            for key in ("allergies", "problems", "results", "procedures", "medications"):
                pair = row.get(key, (0, 0))
                assert isinstance(pair, tuple)
                counts[key + "_coded"] += pair[0]
                counts[key + "_packet"] += pair[1]
            counts["institution"] += bool(row.get("institution"))
            counts["mrn"] += bool(row.get("mrn"))
        totals.update(counts)
        totals["files"] += len(rows)
        titles = Counter(str(r["title"]) for r in rows)
        coded = ", ".join(
            f"{counts[k + '_coded']}→{counts[k + '_packet']}"
            for k in ("allergies", "problems", "results", "procedures", "medications")
        )
        print(
            f"{vendor[:27]:<28}{len(rows):>6}{counts['read']:>6}{counts['own']:>10}"
            f"{counts['typed']:>6}{counts['date_right']:>8}{counts['undated']:>8}"
            f"{counts['date_birth']:>5}  {coded}; {counts['institution']}, {counts['mrn']}"
            f"  (most common title ×{titles.most_common(1)[0][1]})"
        )
        for row, path in zip(rows, paths, strict=True):
            if not row["read"]:
                print(f"    refused: {path.name}: {row['problem']}")
    print(
        f"{'all':<28}{totals['files']:>6}{totals['read']:>6}{totals['own']:>10}"
        f"{totals['typed']:>6}{totals['date_right']:>8}{totals['undated']:>8}"
        f"{totals['date_birth']:>5}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
