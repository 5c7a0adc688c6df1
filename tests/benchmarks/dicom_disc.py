"""How fast a scan disc is summarized: writes a disc of 2,000 CT images (a DICOMDIR, files
without extensions, two studies, viewer files) and times `packet check` on it.

    python tests/benchmarks/dicom_disc.py [--images 2000] [--keep DIR]

Prints the figures; the target is under 3 s for 2,000 images on a 2-core machine.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path


def write_disc(root: Path, images: int) -> None:
    from pydicom.dataset import FileDataset, FileMetaDataset
    from pydicom.fileset import FileSet
    from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

    pixels = bytes(512 * 512 * 2)  # a real CT slice is 512 x 512, 16 bits
    fs = FileSet()
    studies = [
        ("20260304", "CT CHEST ABDOMEN PELVIS W CONTRAST"),
        ("20260305", "PET/CT SKULL BASE TO THIGH"),
    ]
    for n in range(images):
        date, description = studies[n * len(studies) // images]
        study = generate_uid(entropy_srcs=["bench-study", date])
        series = generate_uid(entropy_srcs=["bench-series", date, str(n % 4)])
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = CTImageStorage
        meta.MediaStorageSOPInstanceUID = generate_uid(entropy_srcs=["bench", str(n)])
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds = FileDataset(None, {}, file_meta=meta, preamble=b"\0" * 128)
        ds.SOPClassUID = CTImageStorage
        ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
        ds.StudyInstanceUID, ds.SeriesInstanceUID = study, series
        ds.PatientName, ds.PatientID, ds.PatientBirthDate = "EXAMPLE^ANA", "1", "19610402"
        ds.StudyDate, ds.StudyTime, ds.StudyID = date, "101500", "1"
        ds.Modality, ds.StudyDescription = "CT", description
        ds.SeriesDescription, ds.SeriesNumber, ds.InstanceNumber = f"SERIES {n % 4}", n % 4, n
        ds.Rows = ds.Columns = 512
        ds.BitsAllocated = ds.BitsStored = 16
        ds.HighBit, ds.PixelRepresentation, ds.SamplesPerPixel = 15, 0, 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.PixelData = pixels
        fs.add(ds)
    fs.write(root / "CD")
    viewer = root / "CD" / "VIEWER"
    viewer.mkdir()
    for name in ("viewer.exe", "dcmtk.dll", "splash.png", "readme.htm", "AUTORUN.INF"):
        (viewer / name).write_bytes(b"MZ" + bytes(200))
    (root / "packet.toml").write_text(
        '[patient]\nname = "Ana Example"\ndate_of_birth = 1961-04-02\n'
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=2000)
    parser.add_argument("--keep", type=Path, help="write the disc here and keep it")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="packet-disc-"))
    root.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    write_disc(root, args.images)
    print(f"wrote {args.images} images in {time.perf_counter() - started:.1f} s to {root}")

    from packet.check import check_folder

    started = time.perf_counter()
    report, _ = check_folder(root)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    images = sum(s.images for s in report.imaging_studies)
    print(
        f"check: {elapsed:.2f} s for {images} images in {len(report.imaging_studies)} studies "
        f"({images / elapsed:.0f} images/s), peak memory {peak:.0f} MB"
    )
    print(
        f"target: under 3 s for 2,000 images -> {'met' if elapsed < 3 * args.images / 2000 else 'NOT met'}"
    )
    if not args.keep:
        shutil.rmtree(root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
