"""Shared fixtures: record files made on the fly, a stable terminal, and a folder fingerprint."""

from __future__ import annotations

import hashlib
import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas


@pytest.fixture(autouse=True)
def _stable_terminal(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    # The OCR cache of each test is its own, never the user's (platformdirs honours XDG).
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("COLUMNS", "160")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    yield


def make_pdf(path: Path, *pages: str, size: tuple[float, float] = letter) -> Path:
    """A text PDF: one string per page, one line per newline."""
    path.parent.mkdir(parents=True, exist_ok=True)
    c = canvas.Canvas(str(path), pagesize=size, invariant=1)
    for text in pages or ("",):
        y = size[1] - 60
        for line in text.splitlines():
            c.drawString(54, y, line)
            y -= 14
        c.showPage()
    c.save()
    return path


def make_scanned_pdf(path: Path, pages: int = 1) -> Path:
    """A PDF whose pages are images only, with no text layer."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    shade = 200 + sum(path.name.encode()) % 50  # scans of different papers differ
    Image.new("L", (200, 260), shade).save(buffer, "JPEG")
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    for _ in range(pages):
        buffer.seek(0)
        from reportlab.lib.utils import ImageReader

        c.drawImage(ImageReader(buffer), 0, 0, width=letter[0], height=letter[1])
        c.showPage()
    c.save()
    return path


def make_image(
    path: Path,
    size: tuple[int, int] = (400, 300),
    fmt: str = "JPEG",
    orientation: int | None = None,
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, (200, 190, 180))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    image.save(path, fmt, exif=exif) if fmt == "JPEG" else image.save(path, fmt)
    return path


def make_locked_pdf(
    path: Path, source: Path, user_password: str, owner_password: str = "owner"
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-256")
    with path.open("wb") as f:
        writer.write(f)
    return path


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file and folder below `folder` with its content hash (or 'dir'), links included."""
    result = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        if path.is_symlink():
            result[key] = "link:" + str(path.readlink())
        elif path.is_dir():
            result[key] = "dir"
        else:
            try:
                result[key] = hashlib.sha256(path.read_bytes()).hexdigest()
            except PermissionError:
                result[key] = "unreadable"
    return result


PATHOLOGY_TEXT = """Lakeside Medical Center - Department of Pathology
SURGICAL PATHOLOGY REPORT
Patient: Test Person    DOB: 04/02/1961    MRN: 123
Collected: 02/10/2026 10:42    Received: 02/11/2026
SPECIMEN: Left breast, core needle biopsy
FINAL DIAGNOSIS: Invasive ductal carcinoma, grade 2.
Electronically signed by A. Pathologist, MD on 02/13/2026"""

CT_TEXT = """RADIOLOGY REPORT
Patient: Test Person  DOB: 04/02/1961
Exam date: 03/04/2026
EXAM: CT CHEST ABDOMEN PELVIS WITH CONTRAST
COMPARISON: CT chest 01/05/2025
FINDINGS: No distant disease.
IMPRESSION: No metastases."""

CONSULT_TEXT = """Lakeside Oncology
MEDICAL ONCOLOGY CONSULTATION
Date of service: 02/18/2026
HISTORY OF PRESENT ILLNESS: Biopsy on 02/10/2026 showed carcinoma.
ASSESSMENT AND PLAN: Chemotherapy, then surgery.
Next appointment: 03/10/2026"""


def records_folder(parent: Path, name: str = "r") -> Path:
    """An empty records folder whose packet.toml gives the patient that `build` stamps."""
    root = parent / name
    root.mkdir(parents=True)
    (root / "packet.toml").write_text(
        '[patient]\nname = "Test Person"\ndate_of_birth = 1961-04-02\n', encoding="utf-8"
    )
    return root


@pytest.fixture
def messy_folder(tmp_path: Path) -> Path:
    """A caregiver's folder as it really arrives: loose files, odd names, duplicates, breakage."""
    root = records_folder(tmp_path, "records")
    (root / "timeline.csv").write_text(
        "date,type,description\n2026-02-10,test,Biopsy\n2026-09-15,surgery,Lumpectomy\n",
        encoding="utf-8",
    )
    make_pdf(root / "Path reports" / "scan0001.pdf", PATHOLOGY_TEXT)
    make_pdf(root / "Radiology" / "Document (3).pdf", CT_TEXT)
    make_pdf(root / "Doctor visits" / "MyChart - Visit Summary.pdf", CONSULT_TEXT)
    (root / "Downloads").mkdir()
    shutil.copyfile(
        root / "Radiology" / "Document (3).pdf", root / "Downloads" / "Document (3) copy.pdf"
    )
    make_pdf(root / "loose page.pdf", "Some page with nothing recognisable on it.")
    make_scanned_pdf(root / "Radiology" / "MAMMO DX BILAT 2-3-26.pdf")
    make_scanned_pdf(root / "scan0002.pdf")  # a scan with no text and no telling name
    make_image(root / "IMG_4431.JPG", orientation=6)
    (root / "empty.pdf").write_bytes(b"")
    (root / "portal-error.pdf").write_text(
        "<!DOCTYPE html><html><body>Session expired</body></html>"
    )
    full = make_pdf(tmp_path / "whole.pdf", CONSULT_TEXT, "page two")
    (root / "half-downloaded.pdf").write_bytes(full.read_bytes()[:400])
    make_locked_pdf(root / "Locked results.pdf", full, user_password="secret")
    (root / "letter.docx").write_bytes(b"PK\x03\x04" + b"\0" * 100)
    (root / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (root / "__MACOSX").mkdir()
    (root / "__MACOSX" / "._scan0001.pdf").write_bytes(b"\0" * 10)
    (root / "Thumbs.db").write_bytes(b"\0" * 10)
    (root / "~$letter.docx").write_bytes(b"\0" * 10)
    disc = root / "CD" / "DICOM"
    for n in range(1, 4):
        make_dicom(disc / f"IM{n:04d}", instance=n, preamble=n != 2)
    (root / "CD" / "AUTORUN.INF").write_text("[autorun]\nopen=viewer.exe\n")
    (root / "CD" / "viewer.exe").write_bytes(b"MZ" + b"\0" * 50)
    return root


def make_dicom(
    path: Path,
    *,
    study: str = "1.2.826.0.1.3680043.8.498.1",
    series: str = "1.2.826.0.1.3680043.8.498.1.1",
    instance: int = 1,
    name: str = "PERSON^TEST",
    birth: str = "19610402",
    study_date: str = "20260304",
    modality: str = "CT",
    description: str = "CT CHEST W CONTRAST",
    preamble: bool = True,
    pixels: bool = True,
) -> Path:
    """A tiny DICOM image, with or without the 128-byte preamble, under any name."""
    from pydicom.dataset import FileDataset, FileMetaDataset
    from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian

    path.parent.mkdir(parents=True, exist_ok=True)
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CTImageStorage
    meta.MediaStorageSOPInstanceUID = f"{series}.{instance}"
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(str(path), {}, file_meta=meta, preamble=b"\0" * 128 if preamble else None)
    ds.SOPClassUID = CTImageStorage
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = study
    ds.SeriesInstanceUID = series
    ds.PatientName = name
    ds.PatientBirthDate = birth
    ds.StudyDate = study_date
    ds.Modality = modality
    ds.StudyDescription = description
    ds.InstanceNumber = instance
    ds.Rows = ds.Columns = 4
    ds.BitsAllocated = ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 0
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    if pixels:
        ds.PixelData = b"\0\1" * 16
    if preamble:
        ds.save_as(path, enforce_file_format=True)
    else:
        # Older discs store the bare data set: no preamble, no file meta group.
        ds.file_meta = FileMetaDataset()
        ds.preamble = None
        from pydicom.filewriter import dcmwrite

        dcmwrite(path, ds, enforce_file_format=False, little_endian=True, implicit_vr=False)
    return path
