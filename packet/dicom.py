"""Scan discs: recognizing DICOM files whatever their names and summarizing them into studies.

Only headers are read (reading stops before the pixel data), so a disc of thousands of images is
summarized quickly. The images themselves are never put into the packet: the center receives
the disc.

A file's bytes are untrusted, and pydicom decodes elements lazily: a damaged file can raise
while it is read and again when a value or a disc index's record is looked at. What it raises
(pydicom 3): InvalidDicomError (no DICOM structure), BytesLengthException (a value whose
length does not fit its representation; not a ValueError), NotImplementedError (an unknown
value representation, e.g. one flipped byte), ValueError, KeyError, TypeError, struct.error,
OverflowError (lengths and offsets out of range), EOFError and OSError (a file cut short),
UnicodeError (a character set that does not decode), RecursionError (sequences nested
thousands deep), zlib.error (a deflated transfer syntax whose data is not deflate), MemoryError
(an element announcing gigabytes: pydicom asks the file for that many bytes, and Python
allocates them before reading; `_Capped` asks for no more than the file holds). `read_header` turns each of those into a ValueError saying the file is
damaged; the whole reading of one file, not just the opening, sits under that one guard.
"""

from __future__ import annotations

import os
import struct
import warnings
import zlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from packet.models import ImagingStudy

DICOMDIR_CLASS = "1.2.840.10008.1.3.10"  # Media Storage Directory: the disc's index
# Non-image objects that still belong to a study: structured reports, RT plans, presentation states.
NON_IMAGE_MODALITIES = frozenset({"SR", "RTPLAN", "RTSTRUCT", "RTRECORD", "PR", "KO", "DOC", "REG"})

HEADER_TAGS = [
    "SOPClassUID", "StudyInstanceUID", "SeriesInstanceUID", "StudyDate", "SeriesDate",
    "Modality", "StudyDescription", "SeriesDescription", "BodyPartExamined", "PatientName",
    "PatientBirthDate", "MediaStorageSOPClassUID",
]  # fmt: skip


def looks_like_dicom(head: bytes) -> bool:
    """True for a DICOM file: 'DICM' after the 128-byte preamble, or a bare data set that starts
    with a group 0002 or 0008 element (older discs drop the preamble)."""
    if len(head) >= 132 and head[128:132] == b"DICM":
        return True
    if len(head) < 8:
        return False
    group, element = struct.unpack("<HH", head[:4])
    if group not in (0x0002, 0x0008) or element > 0x0100:
        return False
    vr = head[4:6]
    if vr.isalpha() and vr.isupper():
        return True  # explicit VR
    length: int = struct.unpack("<I", head[4:8])[0]
    return length < 1024  # implicit VR with a plausible first element length


@dataclass(frozen=True)
class DicomHeader:
    relative: str
    study_uid: str
    series_uid: str
    study_date: date | None
    modality: str
    study_description: str
    series_description: str
    body_part: str
    accession: str  # the number the imaging center files the study under
    study_id: str
    institution: str
    patient_name: str
    patient_birth_date: date | None
    is_directory: bool
    referenced: tuple[str, ...] = ()  # for a DICOMDIR: the files it lists, relative to its folder


def _pixels_cut_off(fp: BinaryIO, ds: Any) -> bool:
    """True when the pixel data announces more bytes than the file holds. Reading stopped at
    the pixel data element, so the file position is its start. Its length is read in the
    file's own byte order (big-endian transfer syntaxes exist); compressed (encapsulated)
    pixel data announces no length, and is not judged."""
    start = fp.tell()
    header = fp.read(12)
    if len(header) < 8:
        return False  # no pixel data: a structured report, a plan, a directory
    fp.seek(0, 2)
    size = fp.tell()
    encoding = getattr(ds, "original_encoding", None) or (None, True)
    order = "<" if encoding[1] in (True, None) else ">"
    long_vrs = (b"OB", b"OW", b"UN", b"OF", b"OD", b"OL", b"OV")
    if header[4:6].isalpha():  # explicit VR: OB/OW/UN have 2 reserved bytes and a 4-byte length
        long_form = header[4:6] in long_vrs
        length = (
            struct.unpack(order + "I", header[8:12])[0]
            if long_form
            else struct.unpack(order + "H", header[6:8])[0]
        )
        body = start + (12 if long_form else 8)
    else:
        length = struct.unpack(order + "I", header[4:8])[0]
        body = start + 8
    if length == 0xFFFFFFFF:  # encapsulated (compressed) frames: no length to check
        return False
    return bool(body + length > size)


def _dicom_date(value: object) -> date | None:
    text = str(value or "").strip()
    if len(text) >= 8 and text[:8].isdigit():
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
        except ValueError:
            return None
    return None


def _person_name(value: object) -> str:
    """DICOM writes names as 'FAMILY^GIVEN^MIDDLE'; show them as 'Given Middle Family'."""
    parts = [p.strip() for p in str(value or "").split("^")]
    if len(parts) >= 2:
        parts = [*parts[1:3], parts[0]]
    return " ".join(p for p in parts if p).title()


def read_header(path: Path, relative: str) -> DicomHeader:
    """Read one file's header. Raises ValueError when it is not a readable DICOM object."""
    with warnings.catch_warnings():
        # pydicom warns about what it works around (implicit VR in an explicit file…), also
        # while it decodes a value or a disc index's records after reading: nothing for the
        # caregiver to act on, and never for the terminal.
        warnings.simplefilter("ignore")
        return _read_header(path, relative)


class UnusableScan(ValueError):
    """A file pydicom reads, but not one packet can use: cut off, or of no study."""


def _damage() -> tuple[type[BaseException], ...]:
    from pydicom.errors import BytesLengthException, InvalidDicomError

    return (
        InvalidDicomError,
        BytesLengthException,
        NotImplementedError,
        ValueError,
        KeyError,
        TypeError,
        struct.error,
        OverflowError,
        EOFError,
        OSError,
        UnicodeError,
        RecursionError,
        zlib.error,
        MemoryError,
    )


class _Capped:
    """The file as pydicom reads it, each read asking for no more than the file still holds:
    an element whose damaged length says 4 GB would make Python allocate 4 GB to read it."""

    def __init__(self, fp: BinaryIO) -> None:
        self._fp = fp
        self._size = os.fstat(fp.fileno()).st_size
        self.name = fp.name

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return self._fp.read()
        return self._fp.read(max(0, min(size, self._size - self._fp.tell())))

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._fp.seek(offset, whence)

    def tell(self) -> int:
        return self._fp.tell()


def _read_header(path: Path, relative: str) -> DicomHeader:
    try:
        return _decode_header(path, relative)
    except UnusableScan:
        raise
    except _damage() as exc:
        raise ValueError(f"it is damaged ({exc.__class__.__name__})") from exc


def _decode_header(path: Path, relative: str) -> DicomHeader:
    import pydicom  # imported here: most runs never meet a scan disc

    with path.open("rb") as fp:
        ds = pydicom.dcmread(_Capped(fp), stop_before_pixels=True, force=True)
        truncated = _pixels_cut_off(fp, ds)
    if truncated:
        raise UnusableScan(
            "the file is cut off before the end of its image (the copy did not finish)"
        )
    meta = getattr(ds, "file_meta", None)
    sop_class = str(getattr(meta, "MediaStorageSOPClassUID", "") or "") or _raw(ds, 0x00080016)
    is_directory = sop_class == DICOMDIR_CLASS or 0x00041220 in ds
    study_uid = _raw(ds, 0x0020000D)
    if not study_uid and not is_directory:
        raise UnusableScan("DICOM file without a study identifier")
    return DicomHeader(
        relative=relative,
        study_uid=study_uid,
        series_uid=_raw(ds, 0x0020000E),
        study_date=_dicom_date(_raw(ds, 0x00080020) or _raw(ds, 0x00080021)),
        modality=_raw(ds, 0x00080060).upper(),
        study_description=_raw(ds, 0x00081030),
        series_description=_raw(ds, 0x0008103E),
        body_part=_raw(ds, 0x00180015),
        accession=_raw(ds, 0x00080050),
        study_id=_raw(ds, 0x00200010),
        institution=_raw(ds, 0x00080080),
        patient_name=_person_name(_raw(ds, 0x00100010)),
        patient_birth_date=_dicom_date(_raw(ds, 0x00100030)),
        is_directory=is_directory,
        referenced=_referenced_files(ds) if is_directory else (),
    )


def _referenced_files(ds: Any) -> tuple[str, ...]:
    files = []
    for record in ds.get("DirectoryRecordSequence", []):
        parts = record.get("ReferencedFileID")
        if parts:
            parts = [parts] if isinstance(parts, str) else list(parts)
            files.append("/".join(str(p) for p in parts))
    return tuple(files)


def _raw(ds: Any, tag: int) -> str:
    """One text element, decoded from its raw bytes. pydicom's own value conversion costs more
    than reading the file; these few elements are plain text (UTF-8 or Latin-1)."""
    if tag not in ds:
        return ""
    value = ds.get_item(tag).value
    if isinstance(value, bytes):
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError:
            text = value.decode("latin-1")
    else:
        text = str(value or "")
    return text.strip(" \x00")


def _common_folder(paths: list[str]) -> str:
    parents = [PurePosixPath(p).parent.parts for p in paths]
    common: list[str] = []
    for level in zip(*parents, strict=False):
        if len(set(level)) != 1:
            break
        common.append(level[0])
    return "/".join(common) or "."


def summarize_studies(headers: list[DicomHeader]) -> list[ImagingStudy]:
    """Group files into studies, oldest first."""
    by_study: dict[str, list[DicomHeader]] = defaultdict(list)
    for h in headers:
        if not h.is_directory:
            by_study[h.study_uid].append(h)
    studies = []
    for uid, files in by_study.items():
        images = [f for f in files if f.modality not in NON_IMAGE_MODALITIES]
        modalities = sorted({f.modality for f in (images or files) if f.modality})
        first = files[0]
        description = next((f.study_description for f in files if f.study_description), "")
        if not description:
            description = next((f.series_description for f in files if f.series_description), "")
        studies.append(
            ImagingStudy(
                date=next((f.study_date for f in files if f.study_date), None),
                modality="/".join(modalities) or "unknown",
                description=description or "(no description)",
                body_part=next((f.body_part for f in files if f.body_part), ""),
                accession=next((f.accession for f in files if f.accession), ""),
                study_id=next((f.study_id for f in files if f.study_id), ""),
                institution=next((f.institution for f in files if f.institution), ""),
                series=len({f.series_uid for f in files}),
                images=len(images),
                folder=_common_folder([f.relative for f in files]),
                patient_name=first.patient_name,
                patient_birth_date=first.patient_birth_date,
                study_uid=uid,
                files=sorted(f.relative for f in files),
            )
        )
    studies.sort(key=lambda s: (s.date or date.min, s.modality, s.description, s.study_uid))
    return studies
