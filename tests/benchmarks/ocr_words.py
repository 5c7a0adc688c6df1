"""Whether OCR output is text: real pages read as words, noise read as nothing.

    python tests/benchmarks/ocr_words.py [--pages 40] [--noise 40] [--corpus PATH]

packet keeps what Tesseract reads of a scan only when enough of it is words (packet/ocr.py:
confident, word-like words, MIN_WORDS and MIN_SHARE), and turns a page that does not read
upright. Measured here on:

- real clinical text nobody here wrote: MTSamples transcriptions (mtsamples.com, CC0), the held-
  out part of tests/benchmarks/real_text.py's split, drawn as a scanner or a phone makes a page
  (slight tilt, blur, JPEG), upright and held sideways (turned 90° or 270°, no EXIF tag);
- noise: what a photo of no text gives Tesseract (strokes, a table's edge, a blurred texture),
  and blank pages.

Prints, for each kind, the share read as text and the seconds a page. The thresholds were set
before this was first run and were not tuned on it.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_text import DEFAULT_CORPUS, load, split

from packet import ocr


def page_of(text: str, rng: random.Random) -> Image.Image:
    """The top of a letter-size page at 200 dpi with the text on it, as a scan makes it."""
    image = Image.new("L", (1700, 2200), rng.randint(225, 250))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=rng.choice((26, 30, 34)))
    y = 110
    for raw in text.splitlines():
        for start in range(0, max(len(raw), 1), 90):
            draw.text((100, y), raw[start : start + 90], fill=rng.randint(10, 60), font=font)
            y += 44
            if y > 2100:
                break
    image = image.rotate(rng.uniform(-1.5, 1.5), fillcolor=235)
    return image.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.1)))


def noise_of(rng: random.Random) -> Image.Image:
    """A photo with no text in it: strokes, a grid, a blurred texture, or a blank page."""
    kind = rng.randrange(4)
    image = Image.new("L", (1600, 1200), rng.randint(150, 230))
    draw = ImageDraw.Draw(image)
    if kind == 0:  # strokes: a sideways, blurred page of handwriting or a table's edge
        for _ in range(rng.randint(30, 90)):
            x, y = rng.randint(0, 1600), rng.randint(0, 1200)
            end = (x + rng.randint(-250, 250), y + rng.randint(-60, 60))
            draw.line((x, y, *end), fill=rng.randint(0, 120), width=rng.randint(2, 9))
    elif kind == 1:  # a grid: the ruled lines of a form, photographed at an angle
        for x in range(0, 1600, rng.randint(40, 120)):
            draw.line((x, 0, x + rng.randint(-80, 80), 1200), fill=60, width=3)
        for y in range(0, 1200, rng.randint(30, 90)):
            draw.line((0, y, 1600, y + rng.randint(-40, 40)), fill=60, width=3)
    elif kind == 2:  # a texture: a desk, a blanket
        for _ in range(4000):
            x, y = rng.randint(0, 1600), rng.randint(0, 1200)
            r = rng.randint(1, 6)
            draw.ellipse((x, y, x + r, y + r), fill=rng.randint(0, 255))
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 2.5)))
    return image.rotate(rng.choice((0, 90, 180, 270)), expand=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--noise", type=int, default=40)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    if not ocr.available():
        print("Tesseract is not installed: nothing to measure.")
        return 1
    if not args.corpus.exists():
        print(f"No corpus at {args.corpus}.")
        return 1
    rng = random.Random(2026)
    texts = [d.text for d in split(load(args.corpus))["held out"]]
    rng.shuffle(texts)
    texts = texts[: args.pages]
    kinds: dict[str, list[Image.Image]] = {
        "real page, upright": [page_of(t, rng) for t in texts],
        "real page, sideways": [
            page_of(t, rng).rotate(rng.choice((90, 270)), expand=True) for t in texts
        ],
        "no text (noise, blank)": [noise_of(rng) for _ in range(args.noise)],
    }
    print(f"{'kind':26} {'pages':>5} {'read as text':>13} {'s/page':>7}")
    for kind, images in kinds.items():
        start = time.perf_counter()
        read = sum(1 for image in images if ocr._text(image))
        seconds = (time.perf_counter() - start) / max(len(images), 1)
        print(f"{kind:26} {len(images):5d} {read / len(images):13.1%} {seconds:7.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
