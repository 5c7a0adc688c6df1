"""Scan discs: DICOM recognized whatever its name, grouped into studies, never merged."""

from __future__ import annotations

from pathlib import Path

import pydicom.data
import pytest

from packet.check import check_folder
from packet.dicom import looks_like_dicom
from packet.models import DocumentStatus, FileKind, ProblemKind
from packet.reading import read_file

from conftest import CT_TEXT, make_dicom, make_pdf

STUDY = "1.2.826.0.1.3680043.8.498.7"


def test_studies_are_grouped_with_series_images_and_non_image_objects(tmp_path: Path) -> None:
    root = tmp_path / "r"
    for series in (1, 2):
        for n in range(3):
            make_dicom(
                root / "disc" / f"S{series}" / f"IM{n}",
                study=STUDY,
                series=f"{STUDY}.{series}",
                instance=n,
            )
    make_dicom(root / "disc" / "SR1", study=STUDY, series=f"{STUDY}.9", modality="SR", pixels=False)
    make_dicom(
        root / "disc" / "other.dcm",
        study=STUDY + ".2",
        study_date="20260401",
        modality="MR",
        description="MRI BRAIN",
    )
    report, _ = check_folder(root)
    ct, mr = report.imaging_studies
    assert (ct.modality, ct.series, ct.images, ct.folder) == ("CT", 3, 6, "disc")
    assert (mr.modality, mr.description, str(mr.date)) == ("MR", "MRI BRAIN", "2026-04-01")
    assert all(d.status is DocumentStatus.EXCLUDED for d in report.documents)


def test_a_study_is_paired_with_the_imaging_report_of_its_date(tmp_path: Path) -> None:
    root = tmp_path / "r"
    make_dicom(root / "disc" / "IM1")
    make_pdf(root / "ct report.pdf", CT_TEXT)  # exam date 03/04/2026, as the study
    make_dicom(root / "disc" / "IM2", study=STUDY, study_date="20250101")
    report, _ = check_folder(root)
    paired = {str(s.date): s.report for s in report.imaging_studies}
    assert paired == {"2026-03-04": "ct report.pdf", "2025-01-01": None}
    assert any("no imaging report" in p.message for p in report.problems)


def test_a_cut_off_scan_file_is_a_problem(tmp_path: Path) -> None:
    root = tmp_path / "r"
    whole = make_dicom(tmp_path / "whole")
    (root / "disc").mkdir(parents=True)
    (root / "disc" / "IM1").write_bytes(whole.read_bytes()[:-10])
    report, _ = check_folder(root)
    [problem] = [p for p in report.problems if p.path == "disc/IM1"]
    assert "cut off" in problem.message


def test_an_incomplete_copy_of_a_disc_is_noticed_and_its_viewer_is_not_a_record(
    tmp_path: Path,
) -> None:
    from pydicom import dcmread
    from pydicom.fileset import FileSet

    root = tmp_path / "r"
    fs = FileSet()
    for n in range(3):
        ds = dcmread(make_dicom(tmp_path / f"src{n}", instance=n))
        ds.StudyTime, ds.StudyID, ds.SeriesNumber, ds.PatientID = "1000", "1", 1, "42"
        fs.add(ds)
    fs.write(root / "CD")
    for name in ("viewer.exe", "splash.png", "help.htm", "README.TXT"):
        (root / "CD" / name).write_bytes(
            b"\x89PNG\r\n\x1a\n" if name.endswith("png") else b"x" * 20
        )
    removed = next((root / "CD").rglob("IM*"))
    removed.unlink()
    report, _ = check_folder(root)
    assert any(
        p.kind is ProblemKind.UNREADABLE_FILE and "DICOMDIR" in p.message for p in report.problems
    )
    viewer = [
        d
        for d in report.documents
        if d.path.split("/")[-1] in ("viewer.exe", "splash.png", "help.htm", "README.TXT")
    ]
    assert len(viewer) == 4 and all(d.status is DocumentStatus.EXCLUDED for d in viewer)
    viewer_paths = {d.path for d in viewer}
    assert not [p for p in report.problems if p.path in viewer_paths]


def test_recognition_by_bytes() -> None:
    assert looks_like_dicom(b"\0" * 128 + b"DICM" + b"\2\0\0\0UL")
    assert looks_like_dicom(b"\x08\x00\x16\x00UI\x1a\x00")  # bare data set, explicit VR
    assert not looks_like_dicom(b"%PDF-1.7\n")
    assert not looks_like_dicom(b"")


PYDICOM_FILES = Path(pydicom.data.__file__).parent / "test_files"  # shipped with pydicom
VALID = [
    "CT_small.dcm",  # preamble starts like a TIFF: once read as a broken photo
    "MR_small.dcm",
    "MR_small_padded.dcm",
    "examples_rgb_color.dcm",
    "MR_small_bigendian.dcm",  # big-endian: the pixel length was read little-endian
    "MR_small_expb.dcm",
    "ExplVR_BigEnd.dcm",
    "liver_expb_1frame.dcm",
    "rtdose_expb.dcm",
    "MR_small_jp2klossless.dcm",  # compressed (encapsulated) pixel data
    "MR_small_jpeg_ls_lossless.dcm",
    "JPEG2000.dcm",
]


@pytest.mark.parametrize("name", VALID)
def test_valid_scan_files_of_every_encoding_are_read_as_valid(name: str) -> None:
    reading = read_file(PYDICOM_FILES / name, name, [])
    assert reading.kind is FileKind.DICOM
    assert reading.problem is None, reading.problem
    assert reading.dicom is not None and reading.dicom.study_uid


def test_a_truly_cut_off_scan_file_is_still_caught() -> None:
    reading = read_file(PYDICOM_FILES / "MR_truncated.dcm", "MR_truncated.dcm", [])
    assert reading.kind is FileKind.DICOM
    assert reading.problem is not None and "cut off" in reading.problem.message
