"""Whether every claim on the packet's front pages is supported by a record of this patient.

    python tests/benchmarks/front_pages.py [--folder a|b] [--packet PATH_TO_packet] [--keep DIR]
    python tests/benchmarks/front_pages.py --folder b --rescore DIR

Builds a messy records folder for one invented patient, "María José Núñez-O'Brien" (born
1958-07-23, lung adenocarcinoma), writes beside it (never inside it) a ground-truth manifest
`manifest.json` saying for every file whose record it is, what it really is and its true
clinical date, runs `packet check --json` (OCR on) and `packet build`, reads the packet's
front pages back (cover, clinical summary, checklist status, imaging sent separately, files
not included) and scores each claim printed there: supported by a record of this patient, or
not, and why. Prints a table and "N of M claims supported". Exit code 0 whatever the score;
2 when the packet command itself fails.

The material is none of the project's own writing, and nothing of it is committed: the folder
is made at run time from

- MTSamples (mtsamples.com), CC0: `../shared/corpora/mtsamples-dev.csv` (the corpus flattened
  line breaks into commas; they are restored). Pathology (lung adenocarcinoma resection), CT
  chest, PET, operative note, consult and follow-up texts become the patient's scanned pages
  and phone photos, with a letterhead and a "Patient: NÚÑEZ-O'BRIEN, MARÍA JOSÉ  DOB:
  07/23/1958" header that OCR has to read; one radiology text becomes another patient's
  text-layer PDF ("John Q. Sample"). The letterheads, headers and dates are the benchmark's
  framing; the clinical text is MTSamples'. TCGA pathology reports were not used: the only
  stored copy found (tatonetti-lab/tcga-path-reports) holds code, not the report text.
- HL7 C-CDA examples (github.com/HL7/C-CDA-Examples), CC0 1.0, as in `tests/ccda/`: two copied
  as they are (other patients' records: Adam Everyman, Isabella Jones) and one rewritten in
  `recordTarget` to name this patient.
- pydicom's test files (pydicom, MIT licence; the files are from its `data/test_files`, each
  naming its own test patient), read from the installed pydicom: five copied onto a scan disc
  laid out without a DICOMDIR, and one rewritten (name, birth date, new UIDs, study date) as
  this patient's CT of the date of her CT report.

The placeholders, the docx of directions, the empty, truncated and .doc files are generated.
Needs pydicom, Pillow, reportlab, python-docx and pypdf (the project's test dependencies),
`pdftotext` and, for the scans to be read, Tesseract. No network.

`--folder b` builds a second, held-out folder with the same manifest format and the same
scoring: made once, by someone who had not seen packet's output on folder a, to be measured
once and never tuned on. Every source differs from folder a's:

- the patient "Seán Łukasz Ó'Dálaigh-Kowalczyk" (born 1961-11-29, prostate adenocarcinoma,
  radical prostatectomy with pelvic lymph nodes), other institutions and letterheads;
- MTSamples (CC0) notes 3083 (prostatectomy pathology: MTSamples has one, so none was written
  here), 407 (operative note), 1718 (CT abdomen/pelvis), 1490 (bone scan), 65 (urology
  consultation), 3882 (discharge summary), 59 (follow-up, as an email's PDF attachment),
  1320 (a truncated download) and 1670 (another man's CT, as a text PDF: his name differs by
  one letter, his date of birth does not match);
- HL7 C-CDA examples (CC0 1.0) not in `tests/ccda/`: `Procedure_Note.xml` and
  `Referral_Note.xml` as they are (their sample patients Isabella Jones and Eve Betterhalf),
  `History_and_Physical.xml` rewritten in `recordTarget` to this patient. They are read at run
  time from a local git copy of github.com/HL7/C-CDA-Examples (commit ad5007a, the same commit
  as `tests/ccda/`; `--ccda-git-dir`, by default /work/.mirror/HL7+C-CDA-Examples/repo), not
  committed here;
- pydicom test files (MIT): rtplan.dcm, JPEG-lossy.dcm, examples_ybr_color.dcm and
  examples_palette.dcm as other patients' studies, 693_J2KI.dcm (two instances, CT of the date
  of the CT report) and examples_overlay.dcm (MRI, no report in the folder) rewritten to this
  patient; all in one flat folder (`CD_IMAGES/IM0001`…, no DICOMDIR);
- a photo held sideways and one upside down (no EXIF), a photo of an appointment card,
  placeholders named like records ("path report.pdf" saying "see attached", "MRI
  results.docx" holding directions), scanner, phone and fax names (CamScanner, Adobe Scan,
  IMG_…, Fax_…), a duplicate, a truncated PDF, a PDF locked with a password packet.toml does
  not give, and an email (.eml) with a PDF attachment.

Scoring changes made for folder b, which apply to folder a too: where studies of different
patients share a folder, "files not included" is scored per study (by one of its files, or by
a row naming the folder with the study's date), not by the folder; a checklist row is scored
by the status the page prints (when it differs from `check --json`, the page's words are the
claim), and so is the cover's "Missing:" line; a key date from `check --json` counts only
when its row is on the page (else the family's row of that kind, if printed); "care so far"
dates may be those of the patient's scan studies from that place, and a count of records
only when the row prints it. `--rescore DIR` scores again what a run kept, without running
packet.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpora" / "mtsamples-dev.csv"
CCDA = REPO / "tests" / "ccda"
FONTS = REPO / "packet" / "fonts"

NAME = "María José Núñez-O'Brien"
DOB = "1958-07-23"
HEADER = "Patient: NÚÑEZ-O'BRIEN, MARÍA JOSÉ    DOB: 07/23/1958    MRN: 4471203"
HEADER_PLAIN = "Patient: NUNEZ-O'BRIEN, MARIA JOSE    DOB: 07/23/1958    MRN: 4471203"
OTHER_HEADER = "Patient: John Q. Sample    DOB: 01/02/1950    MRN: 0099812"
DICOM_NAME = "NUNEZ-OBRIEN^MARIA JOSE"
LINE_BREAK = re.compile(r"(?<=[:.])\s*,\s*|,(?=[^\s\d])|(?<=\D),(?=\d)|,\s{2,}")
CAREGIVER_FILES = (
    "packet.toml",
    "documents.csv",
    "timeline.csv",
    "medications.csv",
    "questions.md",
)
HOW_TO_WORDS = ("include = yes", "confirm in", "build again", "run packet")
# Which document categories satisfy each checklist item.
ITEM_CATEGORIES = {
    "pathology": {"pathology"},
    "imaging": {"imaging"},
    "operative": {"operative"},
    "clinic_notes": {"clinic_notes"},
    "biomarkers": {"biomarkers"},
    "treatment": {"treatment"},
    "recommendation": {"clinic_notes"},
}


@dataclass
class Truth:
    """What one file in the folder really is."""

    path: str
    owner: str  # ours | other | caregiver
    category: str  # pathology, imaging, … placeholder, dicom, caregiver
    date: str | None = None
    strong: bool = False  # its content says what it is
    institutions: list[str] = field(default_factory=list)
    text: str = ""
    study_uid: str = ""
    note: str = ""
    facts: dict[str, str] = field(default_factory=dict)  # what a careful reader takes from it


@dataclass
class Claim:
    page: str
    claim: str
    supported: bool
    why: str


# --------------------------------------------------------------------------- the folder


def mtsamples() -> dict[str, str]:
    with CORPUS.open(newline="", encoding="utf-8") as handle:
        rows = {row["note_id"]: row["transcription"] for row in csv.DictReader(handle)}
    return {k: "\n".join(x.strip() for x in LINE_BREAK.split(v)) for k, v in rows.items()}


def font(size: int, bold: bool = False):  # type: ignore[no-untyped-def]
    from PIL import ImageFont

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONTS / name), size)


def page_image(lines: list[tuple[str, bool]], width: int = 1700, height: int = 2200):  # type: ignore[no-untyped-def]
    """A letter page at 200 dpi holding the lines (text, bold), wrapped, cut at the foot."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    y = 130
    for text, bold in lines:
        size = 34 if bold else 28
        for piece in textwrap.wrap(text, 62 if bold else 88) or [""]:
            if y > height - 150:
                return image
            draw.text((140, y), piece, fill=20, font=font(size, bold))
            y += int(size * 1.45)
    return image


def degrade(image, rng: random.Random, angle: float, blur: float = 0.8):  # type: ignore[no-untyped-def]
    """A flatbed scan or fax: slightly turned, noisy, soft."""
    from PIL import Image, ImageChops, ImageFilter

    image = image.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    noise = Image.effect_noise(image.size, 28).point(lambda v: 255 if v > 60 else 200)
    image = ImageChops.multiply(image, noise)
    return image.filter(ImageFilter.GaussianBlur(blur))


def photo(image, rng: random.Random):  # type: ignore[no-untyped-def]
    """A phone photo of a page on a table: skewed, unevenly lit, in colour."""
    from PIL import Image, ImageChops, ImageFilter

    page = image.convert("RGB")
    w, h = page.size
    table = Image.new("RGB", (w + 300, h + 300), (112, 86, 60))
    table.paste(page, (150, 150))
    tw, th = table.size
    jitter = [rng.randint(20, 130) for _ in range(8)]
    quad = (
        jitter[0],
        jitter[1],
        jitter[2],
        th - jitter[3],
        tw - jitter[4],
        th - jitter[5] // 3,
        tw - jitter[6] // 2,
        jitter[7],
    )
    out = table.transform((w, h), Image.QUAD, quad, resample=Image.BICUBIC)
    light = Image.linear_gradient("L").resize((w, h)).rotate(35, expand=False, fillcolor=128)
    light = light.point(lambda v: 150 + v * 105 // 255).convert("RGB")
    out = ImageChops.multiply(out, light)
    return out.filter(ImageFilter.GaussianBlur(1.1))


def save_scan_pdf(path: Path, image) -> None:  # type: ignore[no-untyped-def]
    path.parent.mkdir(parents=True, exist_ok=True)
    image.convert("L").save(path, "PDF", resolution=200.0)


def save_photo(path: Path, image, exif_orientation: int | None) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    if exif_orientation == 6:
        # Stored turned a quarter to the left; the EXIF tag tells a viewer to turn it back.
        image = image.transpose(Image.Transpose.ROTATE_90)
        exif = Image.Exif()
        exif[0x0112] = 6
        image.save(path, "JPEG", quality=85, exif=exif.tobytes())
    else:
        image.save(path, "JPEG", quality=85)


def text_pdf(path: Path, lines: list[str]) -> None:
    """A portal printout's text layer, as the real-text benchmark renders MTSamples."""
    from real_text import write_pdf

    path.parent.mkdir(parents=True, exist_ok=True)
    write_pdf(path, "\n".join(lines))


def scanned_record(letterhead: list[str], header: str, dated: str | None, body: str) -> list:
    lines: list[tuple[str, bool]] = [(letterhead[0], True)]
    lines += [(x, False) for x in letterhead[1:]]
    lines += [("", False), (header, False)]
    if dated:
        lines.append((dated, False))
    lines.append(("", False))
    lines += [(x, False) for x in body.splitlines()]
    return lines


def flat(lines: list[tuple[str, bool]]) -> str:
    return "\n".join(x for x, _ in lines)


def write_dicom(root: Path, truths: list[Truth]) -> None:
    import pydicom
    from pydicom.uid import generate_uid

    source = Path(pydicom.__file__).parent / "data" / "test_files"
    disc = "CD from imaging center/DICOM"
    others = ["CT_small.dcm", "MR_small.dcm", "liver_1frame.dcm", "rtdose.dcm", "JPEG2000.dcm"]
    for n, name in enumerate(others, start=1):
        ds = pydicom.dcmread(source / name, stop_before_pixels=True)
        rel = f"{disc}/PA{n:06d}/ST000001/SE000001/IM000001"
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / name, root / rel)
        truths.append(
            Truth(
                rel,
                "other",
                "dicom",
                date=_iso(str(ds.get("StudyDate", ""))),
                study_uid=str(ds.StudyInstanceUID),
                note=f"pydicom {name}: {ds.get('PatientName', '')}",
            )
        )
    study = generate_uid(entropy_srcs=["front-pages", "study"])
    series = generate_uid(entropy_srcs=["front-pages", "series"])
    for k in (1, 2):
        ds = pydicom.dcmread(source / "CT_small.dcm")
        ds.PatientName, ds.PatientBirthDate, ds.PatientID = DICOM_NAME, "19580723", "4471203"
        ds.PatientSex = "F"
        ds.StudyInstanceUID, ds.SeriesInstanceUID = study, series
        ds.SOPInstanceUID = generate_uid(entropy_srcs=["front-pages", "sop", str(k)])
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        ds.StudyDate = ds.SeriesDate = ds.AcquisitionDate = ds.ContentDate = "20260120"
        ds.StudyDescription = "CT CHEST W CONTRAST"
        ds.AccessionNumber, ds.InstanceNumber = "CT26012000431", k
        ds.InstitutionName = "St. Brigid Regional Medical Center"
        rel = f"{disc}/PA000006/ST000001/SE000001/IM{k:06d}"
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        ds.save_as(root / rel)
        truths.append(Truth(rel, "ours", "dicom", date="2026-01-20", study_uid=study))


def _iso(dicom_date: str) -> str | None:
    if re.fullmatch(r"\d{8}", dicom_date):
        return f"{dicom_date[:4]}-{dicom_date[4:6]}-{dicom_date[6:]}"
    return None


def write_ccda(root: Path, truths: list[Truth]) -> None:
    folder = "Portal download 3-2026/HealthSummary"
    (root / folder).mkdir(parents=True, exist_ok=True)
    for name, category in (
        ("Diagnostic_Imaging_Report.xml", "imaging"),
        ("Operative_Note.xml", "operative"),
    ):
        text = (CCDA / name).read_text(encoding="utf-8")
        (root / folder / name).write_text(text, encoding="utf-8")
        truths.append(
            Truth(
                f"{folder}/{name}",
                "other",
                category,
                date=_ccda_date(text),
                strong=True,
                institutions=_ccda_orgs(text),
                text=_strip_xml(text),
                note="HL7 C-CDA example, its own sample patient",
            )
        )
    text = (CCDA / "Consultation_Note.xml").read_text(encoding="utf-8")
    start, end = text.index("<recordTarget"), text.index("</recordTarget>")
    target = text[start:end]
    target = re.sub(r"<given[^>]*>[^<]*</given>", "", target)
    target = re.sub(
        r"<family[^>]*>[^<]*</family>",
        "<given>María</given><given>José</given><family>Núñez-O'Brien</family>",
        target,
    )
    target = re.sub(r'<birthTime value="\d+"', '<birthTime value="19580723"', target)
    text = text[:start] + target + text[end:]
    rel = f"{folder}/DOC0001.XML"
    (root / rel).write_text(text, encoding="utf-8")
    truths.append(
        Truth(
            rel,
            "ours",
            "clinic_notes",
            date=_ccda_date(text),
            strong=True,
            institutions=_ccda_orgs(text),
            text=_strip_xml(text),
            note="HL7 Consultation_Note.xml, recordTarget rewritten to this patient",
        )
    )


def _ccda_date(text: str) -> str | None:
    """The encounter's date, else the document's."""
    found = re.search(r"<encompassingEncounter>.*?<low value=\"(\d{8})", text, re.S)
    found = found or re.search(r'<effectiveTime value="(\d{8})', text)
    return _iso(found.group(1)) if found else None


def _ccda_orgs(text: str) -> list[str]:
    names = re.findall(
        r"<(?:representedOrganization|serviceProviderOrganization)>.*?<name>([^<]+)</name>",
        text,
        re.S,
    )
    return sorted(set(n.strip() for n in names))


def _strip_xml(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))


def write_folder(root: Path) -> list[Truth]:
    rng = random.Random(20260301)
    texts = mtsamples()
    truths: list[Truth] = []
    mom = "Mom - medical stuff"
    st_brigid = ["ST. BRIGID REGIONAL MEDICAL CENTER", "1200 Harbor Road, Port Alder, OR 97000"]

    def scan(rel, owner, category, date, lines, institutions, angle, blur=0.8, note=""):  # type: ignore[no-untyped-def]
        save_scan_pdf(root / rel, degrade(page_image(lines), rng, angle, blur))
        truths.append(Truth(rel, owner, category, date, True, institutions, flat(lines), note=note))

    # The patient's pathology, faxed from the surgeon's office, and the same bytes again.
    path_lines = scanned_record(
        [st_brigid[0], "Department of Pathology and Laboratory Medicine", st_brigid[1]],
        HEADER,
        "Date collected: 02/17/2026    Date reported: 02/20/2026",
        "SURGICAL PATHOLOGY REPORT\n" + texts["3090"],
    )
    fax = f"{mom}/from Dr O's office (fax)/Fax_20260302.pdf"
    scan(
        fax,
        "ours",
        "pathology",
        "2026-02-17",
        path_lines,
        [st_brigid[0]],
        1.2,
        1.0,
        "MTSamples 3090",
    )
    truths[-1].facts = {
        "primary_site": "right upper lobe",
        "histology": "Adenocarcinoma",
        "grade": "Grade 2",
    }
    dup = "Downloads/Document (3).pdf"
    (root / dup).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(root / fax, root / dup)
    truths.append(
        Truth(
            dup,
            "ours",
            "pathology",
            "2026-02-17",
            True,
            [st_brigid[0]],
            flat(path_lines),
            note="duplicate of the fax",
        )
    )

    # Imaging report of the CT on the disc, scanned.
    ct_lines = scanned_record(
        [st_brigid[0], "Department of Radiology", st_brigid[1]],
        HEADER_PLAIN,
        "Exam date: 01/20/2026    Accession: CT26012000431",
        "EXAM: CT CHEST WITH CONTRAST\n" + texts["1696"],
    )
    scan(
        f"{mom}/Scanned_20260301_1012.pdf",
        "ours",
        "imaging",
        "2026-01-20",
        ct_lines,
        [st_brigid[0]],
        -0.9,
        note="MTSamples 1696",
    )

    # Operative note: the scanner app's name carries a date that is not the surgery's.
    op_lines = scanned_record(
        [st_brigid[0], "Department of Thoracic Surgery", st_brigid[1]],
        HEADER,
        "Date of surgery: 02/17/2026",
        "OPERATIVE REPORT\n" + texts["592"],
    )
    scan(
        f"{mom}/Scan 2026-03-01.pdf",
        "ours",
        "operative",
        "2026-02-17",
        op_lines,
        [st_brigid[0]],
        0.6,
        note="MTSamples 592",
    )

    # An older follow-up note with no date of its own.
    fu_lines = scanned_record(
        ["CASCADE PULMONARY ASSOCIATES", "44 Elm Street, Suite 3, Port Alder, OR 97000"],
        HEADER_PLAIN,
        None,
        "CLINIC NOTE\n" + texts["1362"],
    )
    scan(
        f"{mom}/Scan 2026-03-01 (2).pdf",
        "ours",
        "clinic_notes",
        None,
        fu_lines,
        ["Cascade Pulmonary Associates"],
        -1.4,
        note="MTSamples 1362, no date in its text",
    )

    # Oncology consultation, photographed: EXIF says turn it.
    consult_lines = scanned_record(
        ["NORTHWEST ONCOLOGY PARTNERS", "900 Medical Plaza Drive, Port Alder, OR 97000"],
        HEADER,
        "Date of visit: 03/04/2026",
        "MEDICAL ONCOLOGY CONSULTATION\n" + texts["3134"],
    )
    rel = "Phone pics/IMG_20260305_101500.jpg"
    save_photo(root / rel, photo(page_image(consult_lines), rng), 6)
    truths.append(
        Truth(
            rel,
            "ours",
            "clinic_notes",
            "2026-03-04",
            True,
            ["Northwest Oncology Partners"],
            flat(consult_lines),
            note="MTSamples 3134, EXIF orientation 6",
        )
    )

    # PET report, photographed sideways with no EXIF tag at all.
    pet_lines = scanned_record(
        ["HARBOR PET IMAGING CENTER", "15 Quay Street, Port Alder, OR 97000"],
        HEADER,
        "Date of exam: 02/02/2026",
        "PET/CT REPORT\n" + texts["1545"],
    )
    rel = "Phone pics/new/PXL_20260310_093000.jpg"
    pic = photo(page_image(pet_lines), rng).rotate(90, expand=True)
    save_photo(root / rel, pic, None)
    truths.append(
        Truth(
            rel,
            "ours",
            "imaging",
            "2026-02-02",
            True,
            ["Harbor PET Imaging Center"],
            flat(pet_lines),
            note="MTSamples 1545, physically sideways",
        )
    )

    # A sideways photo of a page with almost nothing legible.
    from PIL import Image, ImageDraw, ImageFilter

    scrawl = Image.new("L", (1700, 2200), 235)
    draw = ImageDraw.Draw(scrawl)
    for _ in range(70):
        x, y = rng.randint(100, 1500), rng.randint(100, 2000)
        draw.line([(x, y), (x + rng.randint(40, 300), y + rng.randint(-30, 30))], fill=90, width=4)
    draw.text((200, 300), "pls bring", fill=80, font=font(40))
    scrawl = scrawl.filter(ImageFilter.GaussianBlur(5))
    rel = "Phone pics/WhatsApp Image 2026-03-12 at 10.15.00.jpeg"
    save_photo(root / rel, photo(scrawl, rng).rotate(-90, expand=True), None)
    truths.append(Truth(rel, "ours", "placeholder", note="blurred scrawl, sideways"))

    # Placeholders whose names alone would tick items.
    text_pdf(root / mom / "notes from dr visit.pdf", ["see attached"])
    truths.append(
        Truth(f"{mom}/notes from dr visit.pdf", "ours", "placeholder", note="'see attached'")
    )
    text_pdf(root / "misc/Pathology reports/Visit summary.pdf", [""])
    truths.append(
        Truth("misc/Pathology reports/Visit summary.pdf", "ours", "placeholder", note="blank page")
    )
    import docx

    document = docx.Document()
    document.add_paragraph("Directions to the clinic")
    for step in (
        "Take I-5 north to exit 302.",
        "Turn left on Harbor Road, parking garage B is free for patients.",
        "Elevator to the 3rd floor, check in at the front desk.",
    ):
        document.add_paragraph(step)
    rel = "Downloads/scan_from_portal.docx"
    document.save(str(root / rel))
    truths.append(Truth(rel, "ours", "placeholder", note="directions to the clinic"))

    # Another patient's printout, with a text layer.
    other_lines = [
        "RIVERSIDE COMMUNITY HOSPITAL — DEPARTMENT OF RADIOLOGY",
        OTHER_HEADER,
        "Exam date: 03/03/2026",
        "",
        "RADIOLOGY REPORT",
        *texts["1726"].splitlines(),
    ]
    rel = "Downloads/report (1).pdf"
    text_pdf(root / rel, other_lines)
    truths.append(
        Truth(
            rel,
            "other",
            "imaging",
            "2026-03-03",
            True,
            ["Riverside Community Hospital"],
            "\n".join(other_lines),
            note="MTSamples 1726, John Q. Sample",
        )
    )

    # Broken, empty and old-format files.
    (root / "Downloads/labs.pdf").write_bytes(b"")
    truths.append(Truth("Downloads/labs.pdf", "ours", "other", note="empty file"))
    buffer = Path(tempfile.mkstemp(suffix=".pdf")[1])
    text_pdf(
        buffer,
        [
            st_brigid[0],
            HEADER_PLAIN,
            "Date of service: 03/08/2026",
            "",
            *texts["1356"].splitlines(),
        ],
    )
    data = buffer.read_bytes()
    buffer.unlink()
    (root / "Downloads/MyChart_Results_2026-03-08.pdf").write_bytes(data[: len(data) // 2])
    truths.append(
        Truth("Downloads/MyChart_Results_2026-03-08.pdf", "ours", "other", note="truncated PDF")
    )
    (root / "Old letters").mkdir(parents=True, exist_ok=True)
    ole = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + bytes(504)
        + "Letter to insurance".encode("utf-16-le")
        + bytes(2000)
    )
    (root / "Old letters/letter to insurance.doc").write_bytes(ole)
    truths.append(
        Truth("Old letters/letter to insurance.doc", "ours", "other", note="old Word .doc")
    )

    write_ccda(root, truths)
    write_dicom(root, truths)
    write_caregiver_files(root, truths)
    return truths


TOML = """\
[patient]
name = "María José Núñez-O'Brien"
date_of_birth = 1958-07-23
diagnosis = "Adenocarcinoma of the right upper lobe of the lung"
stage = "pT2a pN0 (as the surgeon explained it)"
treating_doctor = "Dr. Adaeze Okafor"
allergies = "Sulfa drugs (hives)"

[contact]
name = "Sofía Núñez"
relationship = "daughter"
phone = "555-0188"
email = "sofia@example.org"

[referring]
doctor = "Dr. Adaeze Okafor"
practice = "Northwest Oncology Partners"
phone = "555-0170"
fax = "555-0171"

[second_opinion]
center = "Example Thoracic Oncology Center"
doctor = "Dr. Lee Second"
appointment = 2026-04-15

[checklist.slides]
status = "pending"
note = "Requested from St. Brigid pathology on 2026-03-06"

[checklist.biomarkers]
status = "pending"
note = "EGFR/ALK/PD-L1 sent out 2026-03-02"
"""
TIMELINE = """\
date,type,description
2026-01-05,symptom,Cough that would not go away
2026-01-20,test,CT chest with contrast
2026-02-02,test,PET/CT
2026-02-17,surgery,Right upper lobectomy
2026-02-24,diagnosis,Told it is adenocarcinoma of the lung
2026-03-04,visit,Medical oncology consultation
2026-03-20,treatment,Started chemotherapy (cisplatin and pemetrexed)
"""
MEDICATIONS = """\
name,dose,how_often,reason,started,notes
amlodipine,5 mg,once daily,blood pressure,2019-05-01,
vitamin D3,2000 IU,once daily,supplement,2024-01-01,
folic acid,1 mg,once daily,before pemetrexed,2026-03-13,
"""
QUESTIONS = """\
# Questions
- Is chemotherapy after surgery the right choice at her stage?
- Should the tumour be tested for more than EGFR, ALK and PD-L1?
- What does the PET finding near the spine mean?
"""


def write_caregiver_files(
    root: Path, truths: list[Truth], files: tuple[tuple[str, str], ...] | None = None
) -> None:
    for name, text in files or (
        ("packet.toml", TOML),
        ("timeline.csv", TIMELINE),
        ("medications.csv", MEDICATIONS),
        ("questions.md", QUESTIONS),
    ):
        (root / name).write_text(text, encoding="utf-8")
        truths.append(Truth(name, "caregiver", "caregiver"))


# --------------------------------------------------------------------------- folder b (held out)
#
# A second folder, made once by someone who had not looked at packet's output on folder a, and
# never tuned on: another patient, another cancer, other institutions, other MTSamples notes,
# other C-CDA examples and other pydicom files, and a scan disc copied flat (several studies'
# files in one folder, no DICOMDIR).

NAME_B = "Seán Łukasz Ó'Dálaigh-Kowalczyk"
DOB_B = "1961-11-29"
HEADER_B = "Patient: Ó'DÁLAIGH-KOWALCZYK, SEÁN ŁUKASZ    DOB: 11/29/1961    MRN: 80-22917"
HEADER_B_PLAIN = "Patient: O'DALAIGH-KOWALCZYK, SEAN LUKASZ    DOB: 11/29/1961    MRN: 8022917"
# Another man whose name differs from the patient's by one letter, born another day.
OTHER_HEADER_B = "Patient: O'DALAIGH-KOWALCZIK, SEAN LUKASZ    DOB: 03/14/1949    MRN: 5510384"
DICOM_NAME_B = "ODALAIGH-KOWALCZYK^SEAN LUKASZ"
CCDA_GIT = Path("/work/.mirror/HL7+C-CDA-Examples/repo")
CCDA_COMMIT = "ad5007abd912a45bbd04ce96e871c70954c2b2c2"


CCDA_B = Path(__file__).resolve().parent / "ccda_b"  # the three examples folder b uses (CC0)


def ccda_example(path: str, git_dir: Path) -> str:
    """One document of HL7's C-CDA examples: the copy committed beside this script, or one
    read from a local copy of the repository."""
    committed = CCDA_B / path.rsplit("/", 1)[-1]
    if committed.is_file():
        return committed.read_text(encoding="utf-8-sig")
    if (git_dir / path).is_file():  # a checkout
        return (git_dir / path).read_text(encoding="utf-8")
    done = subprocess.run(
        ["git", f"--git-dir={git_dir}", "show", f"{CCDA_COMMIT}:{path}"],
        capture_output=True,
    )
    if done.returncode != 0:
        done = subprocess.run(
            ["git", f"--git-dir={git_dir}", "show", f"HEAD:{path}"], capture_output=True
        )
    if done.returncode != 0:
        sys.exit(
            f"folder b needs HL7's C-CDA examples (github.com/HL7/C-CDA-Examples): {path} not "
            f"found in {git_dir}; pass --ccda-git-dir"
        )
    return done.stdout.decode("utf-8-sig")


def write_ccda_b(root: Path, truths: list[Truth], git_dir: Path) -> None:
    folder = "MyChart export 2026-11/Documents"
    (root / folder).mkdir(parents=True, exist_ok=True)
    for path, category in (
        ("Documents/Procedure Note/Procedure_Note.xml", "operative"),
        ("Documents/Referral Note/Referral_Note.xml", "clinic_notes"),
    ):
        text = ccda_example(path, git_dir)
        name = path.rsplit("/", 1)[1]
        (root / folder / name).write_text(text, encoding="utf-8")
        truths.append(
            Truth(
                f"{folder}/{name}",
                "other",
                category,
                date=_ccda_date(text),
                strong=True,
                institutions=_ccda_orgs(text),
                text=_strip_xml(text),
                note=f"HL7 C-CDA example {name}, its own sample patient",
            )
        )
    text = ccda_example("Documents/History and Physical/History_and_Physical.xml", git_dir)
    start, end = text.index("<recordTarget"), text.index("</recordTarget>")
    target = text[start:end]
    target = re.sub(r"<given[^>]*>[^<]*</given>", "", target)
    target = re.sub(
        r"<family[^>]*>[^<]*</family>",
        "<given>Seán</given><given>Łukasz</given><family>Ó'Dálaigh-Kowalczyk</family>",
        target,
    )
    target = re.sub(r'<birthTime value="\d+"', '<birthTime value="19611129"', target)
    target = re.sub(
        r'<administrativeGenderCode code="F"', '<administrativeGenderCode code="M"', target
    )
    text = text[:start] + target + text[end:]
    rel = f"{folder}/DOC0002.XML"
    (root / rel).write_text(text, encoding="utf-8")
    truths.append(
        Truth(
            rel,
            "ours",
            "clinic_notes",
            date=_ccda_date(text),
            strong=True,
            institutions=_ccda_orgs(text),
            text=_strip_xml(text),
            note="HL7 History_and_Physical.xml, recordTarget rewritten to this patient",
        )
    )


def write_dicom_b(root: Path, truths: list[Truth]) -> None:
    """A disc copied flat: every study's files in one folder, IM0001…, in no order."""
    import pydicom
    from pydicom.uid import generate_uid

    source = Path(pydicom.__file__).parent / "data" / "test_files"
    disc = "CD_IMAGES"
    (root / disc).mkdir(parents=True, exist_ok=True)
    files: list[tuple[object, Truth]] = []  # (dataset or source path, truth without its path)
    for name in ("rtplan.dcm", "JPEG-lossy.dcm", "examples_ybr_color.dcm", "examples_palette.dcm"):
        ds = pydicom.dcmread(source / name, stop_before_pixels=True)
        files.append(
            (
                source / name,
                Truth(
                    "",
                    "other",
                    "dicom",
                    date=_iso(str(ds.get("StudyDate", ""))),
                    study_uid=str(ds.StudyInstanceUID),
                    note=f"pydicom {name}: {ds.get('PatientName', '')}",
                ),
            )
        )
    # Two studies of this patient: the CT of his CT report, and an MRI with no report in the folder.
    for name, date, description, modality, count, accession in (
        ("693_J2KI.dcm", "20260903", "CT ABDOMEN PELVIS W CONTRAST", "CT", 2, "CT26090300077"),
        ("examples_overlay.dcm", "20260922", "MRI PELVIS PROSTATE W WO", "MR", 1, "MR26092200151"),
    ):
        study = generate_uid(entropy_srcs=["front-pages-b", "study", name])
        series = generate_uid(entropy_srcs=["front-pages-b", "series", name])
        for k in range(1, count + 1):
            ds = pydicom.dcmread(source / name)
            ds.PatientName, ds.PatientBirthDate, ds.PatientID = DICOM_NAME_B, "19611129", "8022917"
            ds.PatientSex = "M"
            ds.StudyInstanceUID, ds.SeriesInstanceUID = study, series
            ds.SOPInstanceUID = generate_uid(entropy_srcs=["front-pages-b", "sop", name, str(k)])
            ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
            ds.StudyDate = ds.SeriesDate = ds.AcquisitionDate = ds.ContentDate = date
            ds.StudyDescription = description
            ds.Modality = modality
            ds.AccessionNumber, ds.InstanceNumber = accession, k
            ds.InstitutionName = "North Shore Imaging Associates"
            truth = Truth("", "ours", "dicom", date=_iso(date), study_uid=study, note=name)
            truth.institutions = ["North Shore Imaging Associates"]  # its InstitutionName
            files.append((ds, truth))
    random.Random(4471).shuffle(files)
    for n, (item, truth) in enumerate(files, start=1):
        rel = f"{disc}/IM{n:04d}"
        if isinstance(item, Path):
            shutil.copyfile(item, root / rel)
        else:
            item.save_as(root / rel)  # type: ignore[attr-defined]
        truth.path = rel
        truths.append(truth)


def write_folder_b(root: Path, ccda_git: Path = CCDA_GIT) -> list[Truth]:
    rng = random.Random(20261130)
    texts = mtsamples()
    truths: list[Truth] = []
    dad = "Dad's records"
    lakeshore = ["LAKESHORE GENERAL HOSPITAL", "300 Lakeshore Drive, Kingsbay, MI 49000"]

    def scan(rel, owner, category, date, lines, institutions, angle, blur=0.8, note=""):  # type: ignore[no-untyped-def]
        save_scan_pdf(root / rel, degrade(page_image(lines), rng, angle, blur))
        truths.append(Truth(rel, owner, category, date, True, institutions, flat(lines), note=note))

    # Pathology of the prostatectomy, from an outside lab, faxed; and the same fax again.
    path_lines = scanned_record(
        ["MERIDIAN UROPATHOLOGY LABORATORIES", "18 Foundry Street, Suite 200, Kingsbay, MI 49001"],
        HEADER_B,
        "Date collected: 10/14/2026    Date reported: 10/19/2026",
        "SURGICAL PATHOLOGY REPORT\n" + texts["3083"],
    )
    fax = f"{dad}/Fax_20261021_093114.pdf"
    scan(
        fax,
        "ours",
        "pathology",
        "2026-10-14",
        path_lines,
        ["Meridian Uropathology Laboratories"],
        -1.1,
        1.0,
        "MTSamples 3083",
    )
    truths[-1].facts = {
        "primary_site": "prostate",
        "histology": "Adenocarcinoma",
        "grade": "Gleason score 9 (5+4)",
        "tnm": "T3b N1 MX",
    }
    dup = "Downloads/Fax_20261021_093114 (1).pdf"
    (root / dup).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(root / fax, root / dup)
    truths.append(
        Truth(
            dup,
            "ours",
            "pathology",
            "2026-10-14",
            True,
            ["Meridian Uropathology Laboratories"],
            flat(path_lines),
            note="duplicate of the fax",
        )
    )

    # Operative note of the same day, through a scanner app whose name has the scan's date.
    op_lines = scanned_record(
        [lakeshore[0], "Department of Urology", lakeshore[1]],
        HEADER_B_PLAIN,
        "Date of surgery: 10/14/2026",
        "OPERATIVE REPORT\n" + texts["407"],
    )
    scan(
        f"{dad}/Adobe Scan Nov 30, 2026.pdf",
        "ours",
        "operative",
        "2026-10-14",
        op_lines,
        ["Lakeshore General Hospital"],
        0.7,
        note="MTSamples 407",
    )

    # CT abdomen/pelvis report: its study is on the disc.
    ct_lines = scanned_record(
        ["NORTH SHORE IMAGING ASSOCIATES", "72 Beacon Avenue, Kingsbay, MI 49002"],
        HEADER_B_PLAIN,
        "Exam date: 09/03/2026    Accession: CT26090300077",
        texts["1718"],
    )
    scan(
        f"{dad}/CamScanner 11-30-2026 10.12.pdf",
        "ours",
        "imaging",
        "2026-09-03",
        ct_lines,
        ["North Shore Imaging Associates"],
        -0.8,
        note="MTSamples 1718",
    )

    # An old discharge summary (a benign prostate operation two years before), no helpful name.
    dc_lines = scanned_record(
        ["ST. KILIAN COMMUNITY HOSPITAL", "5 Chapel Road, Westhaven, MI 49010"],
        HEADER_B_PLAIN,
        "Discharge date: 06/12/2024",
        "DISCHARGE SUMMARY\n" + texts["3882"],
    )
    scan(
        f"{dad}/old/Scan_0007.pdf",
        "ours",
        "hospital",
        "2024-06-12",
        dc_lines,
        ["St. Kilian Community Hospital"],
        1.6,
        1.0,
        note="MTSamples 3882",
    )

    # Urology consultation, photographed sideways, no EXIF tag.
    consult_lines = scanned_record(
        ["BALTIC AVENUE UROLOGY GROUP", "410 Baltic Avenue, Kingsbay, MI 49003"],
        HEADER_B,
        "Date of visit: 08/18/2026",
        "UROLOGY CONSULTATION\n" + texts["65"],
    )
    rel = "Phone/IMG_20261130_184412.jpg"
    save_photo(root / rel, photo(page_image(consult_lines), rng).rotate(-90, expand=True), None)
    truths.append(
        Truth(
            rel,
            "ours",
            "clinic_notes",
            "2026-08-18",
            True,
            ["Baltic Avenue Urology Group"],
            flat(consult_lines),
            note="MTSamples 65, physically sideways",
        )
    )

    # Bone scan report, photographed upside down, no EXIF tag.
    bone_lines = scanned_record(
        [lakeshore[0], "Nuclear Medicine", lakeshore[1]],
        HEADER_B,
        "Date of exam: 09/10/2026",
        "WHOLE BODY BONE SCAN\n" + texts["1490"],
    )
    rel = "Phone/IMG_4471.JPG"
    save_photo(root / rel, photo(page_image(bone_lines), rng).rotate(180), None)
    truths.append(
        Truth(
            rel,
            "ours",
            "imaging",
            "2026-09-10",
            True,
            ["Lakeshore General Hospital"],
            flat(bone_lines),
            note="MTSamples 1490, upside down",
        )
    )

    # A photo of a page with very little on it: an appointment card.
    card = page_image([("", False)] * 6 + [("Dr. W.  Tue 2:40", True), ("room 4", False)])
    rel = "Phone/IMG_4502.JPG"
    save_photo(root / rel, photo(card, rng), None)
    truths.append(Truth(rel, "ours", "placeholder", note="appointment card, four words"))

    # Placeholders named like records.
    text_pdf(root / dad / "path report.pdf", ["see attached"])
    truths.append(Truth(f"{dad}/path report.pdf", "ours", "placeholder", note="'see attached'"))
    import docx

    document = docx.Document()
    document.add_paragraph("How to get to the MRI")
    for step in (
        "Park in the Beacon Avenue lot, level 2.",
        "Take the blue elevators to the lower level.",
        "Arrive 30 minutes early and bring your insurance card.",
    ):
        document.add_paragraph(step)
    rel = f"{dad}/MRI results.docx"
    document.save(str(root / rel))
    truths.append(Truth(rel, "ours", "placeholder", note="directions to the MRI"))

    # An email forwarding his follow-up note as a PDF.
    from email.message import EmailMessage

    fu_lines = [
        "LAKESHORE RADIATION ONCOLOGY",
        "300 Lakeshore Drive, Building C, Kingsbay, MI 49000",
        HEADER_B_PLAIN,
        "Date of visit: 11/24/2026",
        "",
        "FOLLOW-UP VISIT",
        *texts["59"].splitlines(),
    ]
    buffer = Path(tempfile.mkstemp(suffix=".pdf")[1])
    text_pdf(buffer, fu_lines)
    attachment = buffer.read_bytes()
    buffer.unlink()
    message = EmailMessage()
    message["From"] = "Aoife O'Dalaigh <aoife@example.org>"
    message["To"] = "Sean O'Dalaigh <sean@example.org>"
    message["Date"] = "Wed, 25 Nov 2026 19:02:11 -0500"
    message["Subject"] = "Fwd: note from Tuesday"
    message.set_content("Dad, here is the note the nurse sent. Print it for the binder.\n")
    message.add_attachment(
        attachment,
        maintype="application",
        subtype="pdf",
        filename="Follow-up visit 11-24-2026.pdf",
    )
    rel = "Mail/Fwd note from Tuesday.eml"
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_bytes(bytes(message))
    truths.append(Truth(rel, "ours", "other", note="the forwarding email itself"))
    truths.append(
        Truth(
            f"{rel}/Follow-up visit 11-24-2026.pdf",
            "ours",
            "clinic_notes",
            "2026-11-24",
            True,
            ["Lakeshore Radiation Oncology"],
            "\n".join(fu_lines),
            note="MTSamples 59, attached to the email",
        )
    )

    # Another man's text PDF: his name differs by one letter, his date of birth does not match.
    other_lines = [
        "PINE RIDGE RADIOLOGY",
        OTHER_HEADER_B,
        "Exam date: 10/02/2026",
        "",
        *texts["1670"].splitlines(),
    ]
    rel = "Downloads/CT report O'Dalaigh-Kowalczik.pdf"
    text_pdf(root / rel, other_lines)
    truths.append(
        Truth(
            rel,
            "other",
            "imaging",
            "2026-10-02",
            True,
            ["Pine Ridge Radiology"],
            "\n".join(other_lines),
            note="MTSamples 1670, Sean Lukasz O'Dalaigh-Kowalczik, born 1949",
        )
    )

    # A truncated download and a password-locked PDF (no password in packet.toml).
    buffer = Path(tempfile.mkstemp(suffix=".pdf")[1])
    text_pdf(
        buffer,
        [
            lakeshore[0],
            HEADER_B_PLAIN,
            "Date of service: 11/02/2026",
            "",
            *texts["1320"].splitlines(),
        ],
    )
    data = buffer.read_bytes()
    buffer.unlink()
    (root / "Downloads/Visit Summary (2).pdf").write_bytes(data[: len(data) // 2])
    truths.append(Truth("Downloads/Visit Summary (2).pdf", "ours", "other", note="truncated PDF"))
    from pypdf import PdfReader, PdfWriter

    buffer = Path(tempfile.mkstemp(suffix=".pdf")[1])
    text_pdf(
        buffer,
        [lakeshore[0], "Laboratory", HEADER_B_PLAIN, "Collected: 11/02/2026", "", "PSA, total"],
    )
    writer = PdfWriter()
    for page in PdfReader(str(buffer)).pages:
        writer.add_page(page)
    buffer.unlink()
    writer.encrypt("kowalczyk61", algorithm="AES-256")
    with (root / "Downloads/Lab results.pdf").open("wb") as handle:
        writer.write(handle)
    truths.append(Truth("Downloads/Lab results.pdf", "ours", "other", note="password-locked PDF"))

    write_ccda_b(root, truths, ccda_git)
    write_dicom_b(root, truths)
    write_caregiver_files(
        root,
        truths,
        (
            ("packet.toml", TOML_B),
            ("timeline.csv", TIMELINE_B),
            ("medications.csv", MEDICATIONS_B),
            ("questions.md", QUESTIONS_B),
        ),
    )
    return truths


TOML_B = """\
[patient]
name = "Seán Łukasz Ó'Dálaigh-Kowalczyk"
date_of_birth = 1961-11-29
diagnosis = "Prostate cancer (adenocarcinoma), spread to one lymph node"
stage = "pT3b pN1 (what the urologist told us)"
treating_doctor = "Dr. Halina Wiśniewska"
allergies = "Penicillin (rash)"

[contact]
name = "Aoife Ó'Dálaigh"
relationship = "daughter"
phone = "555-0142"
email = "aoife@example.org"

[referring]
doctor = "Dr. Halina Wiśniewska"
practice = "Baltic Avenue Urology Group"
phone = "555-0130"
fax = "555-0131"

[second_opinion]
center = "Example Genitourinary Oncology Center"
doctor = "Dr. Priya Second"
appointment = 2027-01-12

[checklist.slides]
status = "sent_separately"
note = "Meridian Uropathology mailed the blocks and slides on 2026-11-20"

[checklist.biomarkers]
status = "pending"
note = "Decipher test and germline panel ordered 2026-11-24"
"""
TIMELINE_B = """\
date,type,description
2026-07-30,test,PSA 11.8 at the yearly physical
2026-08-18,visit,Urology consultation
2026-09-03,test,CT abdomen and pelvis
2026-09-10,test,Bone scan
2026-09-22,test,MRI of the prostate
2026-10-14,surgery,Radical prostatectomy with lymph nodes
2026-10-19,diagnosis,Told it is Gleason 9 and in one lymph node
2026-11-24,visit,Radiation oncology visit
"""
MEDICATIONS_B = """\
name,dose,how_often,reason,started,notes
metoprolol succinate,50 mg,once daily,heart rhythm,2018-03-01,
atorvastatin,20 mg,at night,cholesterol,2020-06-01,
vitamin D3,1000 IU,once daily,supplement,2025-01-01,
"""
QUESTIONS_B = """\
# Questions
- Should he have radiation now, or wait for the PSA?
- Does the lymph node mean he needs hormone therapy, and for how long?
- What does the spot on the skull on the bone scan mean?
"""


@dataclass
class Spec:
    """What the scoring needs to know of a folder beyond its manifest."""

    timeline: str
    pending: dict[str, str]  # the words of each status note in packet.toml
    scans: str  # the patient's scan studies, in words
    disc: str  # what the disc holds of them


FOLDERS = {
    "a": Spec(
        TIMELINE,
        {"slides": "Requested from St. Brigid", "biomarkers": "EGFR/ALK/PD-L1 sent out"},
        "CT of 2026-01-20",
        "CT study",
    ),
    "b": Spec(
        TIMELINE_B,
        {"slides": "Meridian Uropathology mailed", "biomarkers": "Decipher test and germline"},
        "CT of 2026-09-03 and MRI of 2026-09-22",
        "CT and MRI studies",
    ),
}


# --------------------------------------------------------------------------- reading the packet


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"\s+", " ", text)


def tokens(text: str) -> list[str]:
    return [t for t in re.findall(r"[a-z0-9]+", fold(text)) if len(t) >= 2]


def sections(pdf: Path) -> tuple[dict[str, str], list[int]]:
    """The text of each front section, from the section name in its pages' footers, and the
    indexes of the files-not-included pages."""
    layout = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    found: dict[str, str] = {}
    wanted = {
        "Second-opinion records": "cover",
        "Clinical summary": "summary",
        "Checklist status": "checklist",
        "Imaging sent separately": "imaging",
        "Files not included": "not_included",
    }
    not_included: list[int] = []
    for index, page in enumerate(layout.split("\f")):
        lines = [x for x in page.splitlines() if x.strip()]
        if not lines:
            continue
        footer = re.split(r"\s{2,}", lines[-1].strip())
        middle = footer[1] if len(footer) >= 3 else ""
        if middle in wanted:
            key = wanted[middle]
            found[key] = found.get(key, "") + "\n".join(lines[:-1]) + "\n"
            if key == "not_included":
                not_included.append(index)
    return found, not_included


def drawing_order_text(pdf: Path, indexes: list[int]) -> str:
    """Those pages' text in drawing order, where a path wrapped in its cell stays in one piece."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    return "\n".join(reader.pages[i].extract_text() or "" for i in indexes)


# --------------------------------------------------------------------------- scoring


STATUSES = ("not verified", "missing", "present", "pending", "sent separately", "not applicable")


def printed_status(checklist_text: str, label: str) -> str | None:
    """The status the checklist page prints in the label's row (the label may wrap)."""
    at = checklist_text.find(fold(label)[:18])
    if at < 0:
        return None
    row = checklist_text[at : at + len(label) + 40]
    found = [(row.find(s), s) for s in STATUSES if s in row]
    return min(found)[1] if found else None


def own_records(truths: list[Truth], categories: set[str]) -> list[str]:
    """This patient's records of those kinds whose own text says so (a duplicate once)."""
    return [
        t.path
        for t in truths
        if t.owner == "ours" and t.category in categories and t.strong and "duplicate" not in t.note
    ]


def score(
    truths: list[Truth],
    report: dict,  # type: ignore[type-arg]
    pages: dict[str, str],
    flat_not_included: str,
    spec: Spec | None = None,
) -> list[Claim]:
    spec = spec or FOLDERS["a"]
    by_path = {t.path: t for t in truths}
    ours_studies = {t.study_uid for t in truths if t.category == "dicom" and t.owner == "ours"}
    other_studies = {t.study_uid for t in truths if t.category == "dicom" and t.owner == "other"}
    claims: list[Claim] = []
    docs = {d["path"]: d for d in report.get("documents", [])}

    def truth(path: str) -> Truth | None:
        return by_path.get(path)

    def describe(path: str) -> str:
        t = truth(path)
        if t is None:
            return f"{path}: not in the manifest"
        owner = {"ours": "this patient's", "other": "another patient's"}.get(t.owner, t.owner)
        return f"{path}: {owner} {t.category}" + (f" ({t.note})" if t.note else "")

    # ---- cover
    cover = pages.get("cover", "")
    included = [d for d in report.get("documents", []) if d.get("status") == "included"]
    found = re.search(r"This packet\s+(\d+) documents?", cover)
    if found:
        n = int(found.group(1))
        foreign = [
            d["path"] for d in included if (truth(d["path"]) or Truth("", "?", "")).owner != "ours"
        ]
        placeholders = [
            d["path"]
            for d in included
            if (truth(d["path"]) or Truth("", "", "")).category == "placeholder"
        ]
        why = f"{len(included)} included by check"
        if foreign:
            why += "; another patient's: " + ", ".join(foreign)
        if placeholders:
            why += "; placeholders among them: " + ", ".join(placeholders)
        claims.append(Claim("cover", f"This packet: {n} documents", not foreign, why))
    else:
        claims.append(Claim("cover", "This packet: N documents", False, "not found on the cover"))
    pending = cover.split("Coming separately or still pending", 1)
    bullets = []
    if len(pending) == 2:
        current = ""
        for line in pending[1].splitlines():
            stripped = line.strip()
            if stripped.startswith("•"):
                if current:
                    bullets.append(current)
                current = stripped[1:].strip()
            elif stripped and current:
                current += " " + stripped
        if current:
            bullets.append(current)
    toml_pending = spec.pending
    for bullet in bullets:
        studies = re.search(r"Scan files \(DICOM\):\s*(\d+) (?:scan )?stud", bullet)
        if studies:
            n = int(studies.group(1))
            ok = n == len(ours_studies)
            claims.append(
                Claim(
                    "cover",
                    f"Scan files (DICOM): {n} studies",
                    ok,
                    f"this patient has {len(ours_studies)} on the disc, other patients {len(other_studies)}",
                )
            )
        elif any(v.lower() in bullet.lower() for v in toml_pending.values()):
            claims.append(Claim("cover", bullet[:70], True, "the family's status in packet.toml"))
        else:
            claims.append(
                Claim("cover", bullet[:70], False, "no status in packet.toml and no record says so")
            )
    missing = re.search(r"Missing:\s*(.*)", cover, re.S)
    labels = {fold(i.get("label", i["id"])): i["id"] for i in report.get("checklist", [])}
    for entry in re.split(
        r",\s*(?![^()]*\))", " ".join(missing.group(1).split()) if missing else ""
    ):
        name = re.sub(r"\s*\(not verified\)\s*$", "", entry).strip()
        wanted = ITEM_CATEGORIES.get(labels.get(fold(name), ""))
        if not name or wanted is None:
            continue
        have = own_records(truths, wanted)
        claims.append(
            Claim(
                "cover",
                f"Missing: {entry}"[:70],
                not have,
                ("the folder holds " + ", ".join(have) + ", which says it is one")
                if have
                else "no record of this patient of that kind says it is one",
            )
        )
    if not any("Scan files" in b for b in bullets):
        claims.append(
            Claim(
                "cover",
                "Scan files (DICOM) on the cover",
                False,
                f"the disc holds this patient's {spec.disc} but the cover does not say it is coming",
            )
        )

    # ---- checklist status
    checklist_text = fold(pages.get("checklist", ""))
    for item in report.get("checklist", []):
        status = item["status"]
        label = item.get("label", item["id"])
        printed = fold(label)[:18] in checklist_text
        if status != "present":
            continue
        # The page is what the center reads: where its row says other than check --json
        # (a build that read the folder differently), the row's own words are the claim.
        on_page = printed_status(checklist_text, label)
        if item["id"] in ITEM_CATEGORIES and on_page and on_page != "present":
            have = own_records(truths, ITEM_CATEGORIES[item["id"]])
            claims.append(
                Claim(
                    "checklist",
                    f"{label}: {on_page.capitalize()}"[:70],
                    not have,
                    ("the folder holds " + ", ".join(have) + ", which says it is one")
                    if have
                    else "no record of this patient of that kind says it is one",
                )
            )
            claims[-1].why += " (check --json: present)"
            continue
        listed = item.get("documents", [])
        if item["id"] in ITEM_CATEGORIES:
            wanted = ITEM_CATEGORIES[item["id"]]
            good = [
                p
                for p in listed
                if (t := truth(p)) and t.owner == "ours" and t.category in wanted and t.strong
            ]
            if item["id"] == "recommendation" and not listed:
                claims.append(
                    Claim(
                        "checklist",
                        f"{label}: Present",
                        True,
                        item.get("detail", "") + " (the family's opinions)",
                    )
                )
                continue
            why = (
                ("backed by " + "; ".join(good))
                if good
                else "no record of this patient of that kind"
            )
            claims.append(Claim("checklist", f"{label}: Present", bool(good), why))
            # Each record the row counts ("2 records: p. 9, 10") is a claim of its own.
            for p in listed:
                claims.append(
                    Claim("checklist", f"{label}: counts {p}"[:70], p in good, describe(p))
                )
        elif item["id"] == "imaging_files":
            detail = item.get("detail", "")
            m = re.search(r"(\d+) (?:scan )?stud", detail)
            n = int(m.group(1)) if m else -1
            claims.append(
                Claim(
                    "checklist",
                    f"{label}: Present ({detail})",
                    n == len(ours_studies) and bool(ours_studies),
                    f"this patient's studies: {len(ours_studies)}",
                )
            )
        elif item["id"] in ("medications", "timeline", "questions"):
            extra = [p for p in listed if (t := truth(p)) and t.owner != "ours"]
            claims.append(
                Claim(
                    "checklist",
                    f"{label}: Present",
                    not extra,
                    "the family's own file" + ("; also cites " + ", ".join(extra) if extra else ""),
                )
            )
        else:
            claims.append(
                Claim(
                    "checklist",
                    f"{label}: Present",
                    False,
                    f"nothing of this patient supports {item['id']}",
                )
            )
        if not printed:
            claims[-1].why += " (row not found in the PDF text)"

    # ---- clinical summary
    summary = report.get("summary", {})
    summary_text = fold(pages.get("summary", ""))
    for fact in summary.get("facts", []):
        for value in fact.get("values", []):
            if fold(value["value"])[:25] not in summary_text:
                continue
            sources = value.get("sources", [])
            problems = []
            for source in sources:
                t = truth(source["path"])
                if t is None or t.owner != "ours":
                    problems.append(describe(source["path"]))
                elif not all(
                    tok in tokens(t.text)
                    for tok in tokens(value["value"])
                    if not tok.isdigit() or tok in t.text
                ):
                    problems.append(f"{source['path']}: its text does not say '{value['value']}'")
            ok = bool(sources) and not problems
            why = "; ".join(problems) or "; ".join(s["path"] for s in sources) or "no source"
            claims.append(Claim("summary", f"{fact['label']}: {value['value']}"[:70], ok, why))
    for fact in summary.get("facts", []):
        if fact.get("values"):
            continue
        stated = [
            (t.path, t.facts[fact["kind"]])
            for t in truths
            if t.owner == "ours" and fact["kind"] in t.facts
        ]
        if stated and fold(fact["label"])[:12] in summary_text:
            why = "; ".join(f"{p} states '{v}'" for p, v in stated)
            # "not read" / "not found in the text read" is true when the page names the records it read
            # only in part, and every record that states the fact is among them; the value is
            # still missing (recall), and is counted apart.
            unread = {s["path"] for s in summary.get("read_in_part", [])}
            hedged = all(p in unread for p, _ in stated)
            label = f"{fact['label']}: " + (
                "not read / not found in the text read" if hedged else "not found in the records"
            )
            claims.append(
                Claim(
                    "summary",
                    label[:70],
                    hedged,
                    why + (" (named as read in part)" if hedged else ""),
                )
            )
            MISSED.append(f"{fact['label']}: {why}")
    first_path = min(
        (t.date for t in truths if t.owner == "ours" and t.category == "pathology" and t.date),
        default=None,
    )
    timeline_dates = {line.split(",")[0] for line in spec.timeline.splitlines()[1:]}
    for row in summary.get("dates", []):
        label, date, source = row["label"], row["date"], row.get("source")
        iso = date[:10]
        if iso not in summary_text and fold(date)[:10] not in summary_text:
            continue
        if not re.search(re.escape(fold(label)[:20]) + r"(?! \(the family)", summary_text):
            # check --json has the row, the page does not; where the page gives the family's
            # row of that kind instead, that row is the claim.
            family = f"{fold(label)} (the family"
            if source is not None and family in summary_text and iso in summary_text:
                ok = iso in timeline_dates
                claims.append(
                    Claim(
                        "summary",
                        f"{label} (the family's timeline) {iso}"[:70],
                        ok,
                        "the family's timeline" if ok else "not in timeline.csv",
                    )
                )
            continue
        if source is None:
            ok = iso in timeline_dates
            claims.append(
                Claim(
                    "summary",
                    f"{label} {date}"[:70],
                    ok,
                    "the family's timeline" if ok else "not in timeline.csv",
                )
            )
            continue
        t = truth(source["path"])
        if t is None or t.owner != "ours":
            claims.append(Claim("summary", f"{label} {iso}", False, describe(source["path"])))
            continue
        kind = (
            "pathology"
            if "pathology" in label.lower()
            else "operative"
            if "surgery" in label.lower()
            else "treatment"
            if "treatment" in label.lower()
            else None
        )
        problems = []
        if t.date != iso:
            problems.append(f"the record's own date is {t.date or 'unknown'}")
        if kind and t.category != kind:
            problems.append(f"the record is {t.category}, not {kind}")
        if kind == "pathology" and first_path and iso != first_path:
            problems.append(f"the first pathology is of {first_path}")
        claims.append(
            Claim(
                "summary",
                f"{label} {iso}",
                not problems,
                "; ".join(problems) or describe(source["path"]),
            )
        )
    for place in summary.get("care", []):
        name = place["name"]
        if fold(name)[:20] not in summary_text:
            continue
        ours = [
            t.path
            for t in truths
            if t.owner == "ours"
            and any(fold(name) in fold(i) or fold(i) in fold(name) for i in t.institutions)
        ]
        others = [
            t.path
            for t in truths
            if t.owner == "other"
            and any(fold(name) in fold(i) or fold(i) in fold(name) for i in t.institutions)
        ]
        why = (
            ("this patient's: " + ", ".join(ours))
            if ours
            else (
                "only another patient's: " + ", ".join(others)
                if others
                else "no record of this patient names it"
            )
        )
        claims.append(Claim("summary", f"Care so far: {name}"[:70], bool(ours), why))
        if not ours:
            continue
        distinct = [
            p for p in ours if "duplicate" not in by_path[p].note and by_path[p].category != "dicom"
        ]
        studies_there = [p for p in ours if by_path[p].category == "dicom"]
        true_dates = sorted({d for p in distinct + studies_there if (d := by_path[p].date)})
        printed = [d for d in (place.get("first"), place.get("last")) if d]
        wrong = list(dict.fromkeys(d for d in printed if d not in true_dates))
        why = f"true dates of its records: {', '.join(true_dates) or 'none known'}"
        if studies_there:
            why = why.replace("its records", "its records and scan studies")
        if wrong:
            why += f"; {', '.join(wrong)} is no record's date"
        label = f"Care so far: {name}: dates {' to '.join(dict.fromkeys(printed))}"
        claims.append(Claim("summary", label[:70], not wrong, why))
        records = place.get("records")
        row = summary_text[summary_text.find(fold(name)) :][: len(name) + 60]
        if records is not None and f"{records} record" in row:
            label = f"Care so far: {name}: {records} records"
            why = f"this patient's distinct records naming it (a duplicate once): {len(distinct)}"
            claims.append(Claim("summary", label[:70], records == len(distinct), why))

    # ---- imaging sent separately
    imaging_text = pages.get("imaging", "")
    for study in report.get("imaging_studies", []):
        if study.get("date") and study["date"] not in imaging_text:
            continue
        ok = study.get("study_uid") in ours_studies
        claims.append(
            Claim(
                "imaging",
                f"{study.get('date')} {study.get('modality')} {study.get('description')}"[:70],
                ok,
                f"{study.get('patient_name')}, {study.get('folder')}",
            )
        )
        if study.get("report"):
            t = truth(study["report"])
            okr = bool(
                t and t.owner == "ours" and t.category == "imaging" and t.date == study.get("date")
            )
            claims.append(
                Claim(
                    "imaging",
                    f"report of {study.get('date')} study: {study['report']}"[:70],
                    okr,
                    describe(study["report"]),
                )
            )
    for t in truths:
        if t.category == "dicom" and t.owner == "other" and t.date and t.date in imaging_text:
            claims.append(
                Claim("imaging", f"lists another patient's study of {t.date}", False, t.note)
            )
    if not ours_studies & {s.get("study_uid") for s in report.get("imaging_studies", [])}:
        claims.append(
            Claim(
                "imaging",
                f"this patient's {spec.scans} listed",
                False,
                "not among check's imaging studies",
            )
        )

    # ---- files not included
    flat_text = re.sub(r"\s+", "", flat_not_included)
    ni = pages.get("not_included", "")
    folders_done: set[str] = set()
    # A study is named by its folder; where studies share one folder (a flat disc), by its
    # files, and the page names it when it names any of them as another patient's.
    holders: dict[str, set[str]] = {}
    for t in truths:
        if t.category == "dicom":
            holders.setdefault(t.path.rsplit("/", 1)[0], set()).add(t.study_uid)
    for t in truths:
        if t.owner != "other":
            continue
        files = [t.path]
        target = t.path
        if t.category == "dicom":
            folder = t.path.rsplit("/", 1)[0]
            if len(holders[folder]) == 1:
                target = folder + "/"
                files = [target]
            else:
                target = f"study {t.study_uid[-12:]} in {folder}/"
                files = sorted(x.path for x in truths if x.study_uid == t.study_uid)
        if target in folders_done:
            continue
        folders_done.add(target)
        hits = [
            (at, key)
            for one in files
            if (at := flat_text.find(key := re.sub(r"\s+", "", one))) >= 0
        ]
        if t.category == "dicom" and target.startswith("study "):
            # The page may name a shared folder's study by its folder, modality and date.
            key = re.sub(r"\s+", "", t.path.rsplit("/", 1)[0] + "/")
            rows = [m.start() for m in re.finditer(re.escape(key), flat_text)]
            for at, end in zip(rows, [*rows[1:], len(flat_text)], strict=True):
                if t.date and t.date in flat_text[at + len(key) : min(end, at + 160)]:
                    hits.append((at, key))
        named = [
            (at, key)
            for at, key in hits
            if any(
                w in flat_text[at + len(key) : at + len(key) + 160].lower()
                for w in ("anotherpatient", "otherpatient", "differentpatient")
            )
        ]
        at, key = (named or hits or [(-1, "")])[0]
        if at < 0:
            claims.append(
                Claim(
                    "not_included",
                    f"lists {target}"[:70],
                    False,
                    f"another patient's ({t.note}) and not on the page",
                )
            )
            continue
        after = flat_text[at + len(key) : at + len(key) + 160].lower()
        says = any(
            w in after
            for w in (
                "anotherpatient",
                "differentpatient",
                "someoneelse",
                "otherpatient",
                "dateofbirth",
                "notthepatient",
                "belongsto",
            )
        )
        claims.append(
            Claim(
                "not_included",
                f"lists {target}"[:70],
                says,
                "says it is another patient's"
                if says
                else "listed, but not as another patient's: " + after[:60],
            )
        )
    for word in (*CAREGIVER_FILES, *HOW_TO_WORDS):
        present = word.lower() in ni.lower() or word.lower().replace(" ", "") in flat_text.lower()
        claims.append(
            Claim(
                "not_included",
                f"no '{word}'",
                not present,
                "found on the page" if present else "absent",
            )
        )

    # ---- check --json
    studies = report.get("imaging_studies", [])
    foreign = [s for s in studies if s.get("study_uid") not in ours_studies]
    claims.append(
        Claim(
            "check",
            "imaging_studies holds only this patient's",
            not foreign,
            ", ".join(f"{s.get('patient_name')} {s.get('date')}" for s in foreign)
            or f"{len(studies)} studies",
        )
    )
    for item in report.get("checklist", []):
        if item["id"] == "imaging_files":
            m = re.search(r"(\d+) (?:scan )?stud", item.get("detail", ""))
            n = int(m.group(1)) if m else 0
            claims.append(
                Claim(
                    "check",
                    f"checklist imaging_files counts {n} studies",
                    n == len(ours_studies),
                    item.get("detail", "") or item["status"],
                )
            )
    accounted = set(docs) | {
        x.get("path", "") if isinstance(x, dict) else str(x) for x in report.get("ignored", [])
    }
    accounted |= {c["path"] for c in report.get("caregiver_files", [])}
    study_folders = {s.get("folder", "") for s in [*studies, *report.get("other_studies", [])]}
    lost = [
        t.path
        for t in truths
        if t.path not in accounted
        and not any(f and t.path.startswith(f.rstrip("/") + "/") for f in study_folders)
    ]
    claims.append(
        Claim(
            "check",
            "every file is a document or ignored",
            not lost,
            ", ".join(lost) or f"{len(truths)} files accounted for",
        )
    )
    return claims


# --------------------------------------------------------------------------- running


def run(packet: str, folder: Path, out: Path) -> tuple[dict, Path]:  # type: ignore[type-arg]
    check = subprocess.run([packet, "check", str(folder), "--json"], capture_output=True, text=True)
    if not check.stdout.strip():
        sys.exit(f"packet check gave no JSON (exit {check.returncode}): {check.stderr[-2000:]}")
    report = json.loads(check.stdout)
    pdf = out / "packet.pdf"
    build = subprocess.run(
        [packet, "build", str(folder), "-o", str(pdf), "--force"], capture_output=True, text=True
    )
    if build.returncode != 0 or not pdf.exists():
        print(
            f"packet build failed (exit {build.returncode}): {build.stderr[-2000:]}",
            file=sys.stderr,
        )
        raise SystemExit(2)
    return report, pdf


MISSED: list[str] = []  # facts stated by her records and absent from the summary (recall)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = REPO / ".venv" / "bin" / "packet"
    parser.add_argument(
        "--packet",
        default=str(default) if default.exists() else "packet",
        help="the packet command to measure",
    )
    parser.add_argument(
        "--keep", type=Path, help="write the folder, manifest and packet here and keep them"
    )
    parser.add_argument(
        "--folder",
        choices=sorted(FOLDERS),
        default="a",
        help="a: the folder packet was developed against; b: the held-out folder, to measure once",
    )
    parser.add_argument(
        "--ccda-git-dir",
        type=Path,
        default=CCDA_GIT,
        help="folder b: a git directory or checkout of github.com/HL7/C-CDA-Examples",
    )
    parser.add_argument(
        "--rescore",
        type=Path,
        metavar="DIR",
        help="score again the manifest.json, check.json and packet.pdf a run kept in DIR "
        "(with its --folder), without making the folder or running packet",
    )
    args = parser.parse_args()
    spec = FOLDERS[args.folder]
    if args.rescore:
        work = args.rescore
        truths = [Truth(**t) for t in json.loads((work / "manifest.json").read_text("utf-8"))]
        report = json.loads((work / "check.json").read_text("utf-8"))
        pdf = work / "packet.pdf"
    else:
        work = args.keep or Path(tempfile.mkdtemp(prefix="packet-front-"))
        folder = work / "records"
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        truths = (
            write_folder(folder)
            if args.folder == "a"
            else write_folder_b(folder, args.ccda_git_dir)
        )
        (work / "manifest.json").write_text(
            json.dumps([asdict(t) for t in truths], indent=1, ensure_ascii=False), encoding="utf-8"
        )
        report, pdf = run(args.packet, folder, work)
        (work / "check.json").write_text(
            json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8"
        )
    pages, not_included = sections(pdf)
    claims = score(truths, report, pages, drawing_order_text(pdf, not_included), spec)
    width = max(len(c.claim) for c in claims)
    print(f"{'page':<13} {'claim':<{width}}  ok   why")
    for c in claims:
        print(
            f"{c.page:<13} {c.claim:<{width}}  {'yes' if c.supported else 'NO ':<4} {c.why[:160]}"
        )
    supported = sum(c.supported for c in claims)
    print(f"\n{supported} of {len(claims)} claims supported")
    for page in ("cover", "checklist", "summary", "imaging", "not_included", "check"):
        mine = [c for c in claims if c.page == page]
        print(f"  {page:<13} {sum(c.supported for c in mine)} of {len(mine)}")
    print(f"\nFacts a record of hers states that the summary does not give ({len(MISSED)}):")
    for missed in MISSED:
        print(f"  {missed[:150]}")
    print(f"folder, manifest.json, check.json and packet.pdf in {work}")
    if not args.keep and not args.rescore:
        print("(pass --keep DIR to keep them; this temporary folder is left in place)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
