"""The clinical summary's facts read from scans: the labelled reports of the facts benchmark,
printed as page images the way a fax or a scanner makes them (slightly skewed, blurred,
speckled, JPEG-compressed), read back by OCR with packet's own reader, and compared with the
facts a careful reader takes from the text.

    python tests/benchmarks/facts_scans.py [--part tuned|held_out] [--tuned-sample N]
                                           [--seed S] [--show] [--keep DIR]

Needs Tesseract. Each part is measured apart: `held_out/` is never tuned on; of `tuned/`, a
seeded sample of N reports is read (all of them with --tuned-sample 0). Prints precision and
recall per fact and for the part, the pages read and the pages a second.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import textwrap
import time
from multiprocessing import Pool
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont
from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

sys.path.insert(0, str(Path(__file__).parent))
from facts import FOLDER, Tally, expected_of, pages_of, print_per_fact, score

from packet import ocr
from packet.facts import extract

WIDTH, HEIGHT = 1700, 2200  # a Letter page at 200 dpi, as a fax or an office scanner makes it
MARGIN, LEADING, SIZE = 110, 34, 25
LINES_A_PAGE = (HEIGHT - 2 * MARGIN) // LEADING
CHARACTERS_A_LINE = 118


def page_images(text_pages: list[str], rng: random.Random) -> list[Image.Image]:
    """The report's pages printed and scanned: a long page runs on to the next sheet."""
    font = ImageFont.load_default(size=SIZE)
    sheets: list[list[str]] = []
    for page in text_pages:
        lines: list[str] = []
        for line in page.splitlines():
            lines.extend(textwrap.wrap(line, CHARACTERS_A_LINE, drop_whitespace=False) or [""])
        sheets.extend(
            lines[start : start + LINES_A_PAGE]
            for start in range(0, max(1, len(lines)), LINES_A_PAGE)
        )
    images = []
    for lines in sheets:
        image = Image.new("L", (WIDTH, HEIGHT), 250)
        draw = ImageDraw.Draw(image)
        for n, line in enumerate(lines):
            draw.text((MARGIN, MARGIN + LEADING * n), line, fill=25, font=font)
        image = image.rotate(
            rng.uniform(-1.2, 1.2), resample=Image.Resampling.BICUBIC, fillcolor=250
        )
        image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.8)))
        pixels = image.load()
        assert pixels is not None
        for _ in range(2500):  # dust and toner specks
            x, y = rng.randrange(WIDTH), rng.randrange(HEIGHT)
            pixels[x, y] = rng.choice((0, 60, 255))
        images.append(image)
    return images


def scanned_pdf(images: list[Image.Image], path: Path, quality: int) -> None:
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    for image in images:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality)
        buffer.seek(0)
        c.drawImage(ImageReader(buffer), 0, 0, width=letter[0], height=letter[1])
        c.showPage()
    c.save()


def read_one(job: tuple[Path, Path, int]) -> tuple[str, set[tuple[str, str]], int]:
    report, folder, seed = job
    rng = random.Random(f"{seed}:{report.name}")
    images = page_images(pages_of(report), rng)
    pdf = folder / (report.stem + ".pdf")
    scanned_pdf(images, pdf, rng.choice((55, 65, 75)))
    texts = ocr.read_pdf(pdf, pages=len(images), use_cache=False)
    found = {(f.kind.value, f.value.casefold()) for f in extract(texts)}
    return report.name, found, len(images)


def measure(part: str, reports: list[Path], folder: Path, seed: int, show: bool) -> None:
    start = time.perf_counter()
    tally: Tally = {}
    right = wrong = expected = pages = 0
    with Pool(2) as pool:
        results = pool.map(read_one, [(r, folder, seed) for r in reports], chunksize=1)
    for report, (name, found, count) in zip(reports, results, strict=True):
        want = expected_of(report)
        score(found, want, tally)
        right += len(found & want)
        wrong += len(found - want)
        expected += len(want)
        pages += count
        if show and found != want:
            print(f"  {name}: wrong {sorted(found - want)} missed {sorted(want - found)}")
    seconds = time.perf_counter() - start
    precision = right / (right + wrong) if right + wrong else 1.0
    recall = right / expected if expected else 1.0
    print(
        f"{part:9} {len(reports):3} scanned reports ({pages} pages, {pages / seconds:.2f} pages/s)"
        f"  facts expected {expected}  right {right}  wrong {wrong}  precision {precision:.1%}"
        f"  recall {recall:.1%}"
    )
    print_per_fact(tally)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("tuned", "held_out"))
    parser.add_argument("--tuned-sample", type=int, default=60, help="0: every tuned report")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show", action="store_true", help="each tuned report's differences")
    parser.add_argument("--keep", type=Path, help="keep the scanned PDFs here")
    args = parser.parse_args()
    if not ocr.available():
        print("Tesseract is not installed: nothing to measure.")
        return 1
    folder = args.keep or Path(tempfile.mkdtemp(prefix="packet-facts-scans-"))
    folder.mkdir(parents=True, exist_ok=True)
    for part in [args.part] if args.part else ["tuned", "held_out"]:
        reports = sorted((FOLDER / part).glob("*.txt"))
        if part == "tuned" and args.tuned_sample:
            reports = sorted(random.Random(args.seed).sample(reports, args.tuned_sample))
        measure(part, reports, folder, args.seed, args.show and part == "tuned")
    print("targets: precision >= 98% per fact; recall >= 60% on scans for site, histology, T, N")
    return 0


if __name__ == "__main__":
    sys.exit(main())
