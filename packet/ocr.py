"""Reading scanned pages and photos with Tesseract, when it is installed (on by default).

Only what classification and dating need is read: the top of the first page — where a record
names itself, its patient and its dates — at the resolution the scan was made at (never more
than Tesseract needs), one Tesseract thread per worker process. A reading that is not words
(noise from a photo held sideways, a table's edge) is no text: a photo (or a scanned page wider
than high) is turned and read again, and if no way up reads as words, the page has no text. The packet carries the original
pages. Everything runs on this machine: Tesseract is a local program.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from packet import cache
from packet.errors import UsageError
from packet.models import Box

OCR_DPI = 300  # what Tesseract needs for 10-point print; a finer scan is read at 300
MIN_DPI = 150  # a coarser scan is enlarged to this
TOP_SHARE = 1 / 3  # of the first page: letterhead, title, patient, dates and the first sections
PAGE_SECONDS = 90  # Tesseract's time for one page: a normal page takes a few seconds
MAX_SIDE = 3500  # pixels; larger photos are reduced first (Tesseract gains nothing from more)
INSTALL = (
    "Debian/Ubuntu: sudo apt install tesseract-ocr; macOS: brew install tesseract; "
    "Windows: the UB Mannheim installer"
)


def available() -> bool:
    return shutil.which("tesseract") is not None


def require() -> None:
    if not available():
        raise UsageError(
            "--ocr needs Tesseract, which is not installed on this computer.",
            f"Install it ({INSTALL}), then run the command again, or leave out --ocr.",
        )


def wanted(requested: bool | None) -> bool:
    """Whether to read scans: asked for (Tesseract must be there), refused, or — by default —
    whenever Tesseract is installed."""
    if requested:
        require()
        return True
    return available() if requested is None else False


# What counts as text: Tesseract's output on a photo of a table edge or a page held sideways is
# letters, not words ("nm =z"), and read as words it would file the record by noise. A reading
# is text when enough of its words look like words (letters with a vowel, written in one case
# pattern) and Tesseract is sure of them; numbers and dates count neither way.
MIN_WORDS = 4  # confident, word-like words
MIN_SHARE = 0.5  # of the tokens that have letters
MIN_CONFIDENCE = 50  # Tesseract's confidence in a word, 0-100
TURNS = (90, 270, 180)  # tried in turn when a page does not read upright: a photo held sideways
PROBE_MIN_SIDE = 2000  # pixels: a larger turned page is first looked at in half resolution
_WORD = re.compile(r"^[^\W\d_]+(?:['’.-][^\W\d_]+)*$")
_VOWEL = re.compile(r"[aeiouyàáâãäåèéêëìíîïòóôõöùúûüýÿ]", re.IGNORECASE)
_CONSONANTS = re.compile(r"[^\Waeiouy\d_]{5,}", re.IGNORECASE)


# Clinical abbreviations without a vowel, as lab tables and reports write them.
ABBREVIATIONS = frozenset(
    [
        "wbc",
        "rbc",
        "hgb",
        "hct",
        "plt",
        "mcv",
        "mch",
        "mchc",
        "rdw",
        "mpv",
        "bun",
        "cbc",
        "cmp",
        "ldh",
        "ggt",
        "psa",
        "cea",
        "tsh",
        "ptt",
        "crp",
        "ck",
        "ct",
        "pt",
        "mr",
        "mrn",
        "dx",
        "hx",
        "rx",
        "tx",
        "sx",
        "pmh",
        "pshx",
        "bmp",
        "cxr",
        "ekg",
        "ecg",
        "dcis",
        "lcis",
        "ln",
        "fna",
        "ngs",
        "msh",
        "pms",
        "brca",
        "tnm",
    ]
)


def wordlike(token: str) -> bool:
    """A token that reads as a word of some language: letters with a vowel, in one case pattern
    (lower, Capitalized or UPPER), no run of five consonants; or a clinical abbreviation
    (WBC, HGB). Single letters are not."""
    word = token.strip(".,;:!?()[]{}\"'«»“”‘’*")
    if word.casefold() in ABBREVIATIONS:
        return True
    if len(word) < 2 or not _WORD.match(word) or not _VOWEL.search(word):
        return False
    if _CONSONANTS.search(word):
        return False
    rest = word[1:]
    return word.islower() or word.isupper() or rest.islower() or rest[:1] == "c"  # McNeil


@dataclass(frozen=True)
class Reading:
    text: str
    words: int  # confident, word-like words
    tokens: int  # tokens with letters
    boxes: tuple[Box, ...] = ()  # where each word sits, for the packet's searchable text layer

    @property
    def is_text(self) -> bool:
        return self.words >= MIN_WORDS and self.words >= MIN_SHARE * self.tokens


def judge(words: list[tuple[str, float]]) -> tuple[int, int]:
    """(confident word-like words, tokens with letters) of Tesseract's words and confidences."""
    lettered = [(w, c) for w, c in words if any(ch.isalpha() for ch in w)]
    good = sum(1 for w, c in lettered if c >= MIN_CONFIDENCE and wordlike(w))
    return good, len(lettered)


def _read(image: Any) -> Reading:
    import pytesseract

    # The folder is read by several worker processes: one thread each reads fastest.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        data = pytesseract.image_to_data(
            image,
            config="--psm 6 -c tessedit_do_invert=0",
            output_type=pytesseract.Output.DICT,
            timeout=PAGE_SECONDS,
        )
    except (pytesseract.TesseractError, OSError, RuntimeError):
        # a page Tesseract cannot read, or reads past the limit (pytesseract then kills it and
        # raises RuntimeError), is a page without text
        return Reading("", 0, 0)
    lines: dict[tuple[int, int, int], list[tuple[str, int, int, int]]] = {}
    words: list[tuple[str, float]] = []
    boxes: list[Box] = []
    width, height = (max(1, side) for side in image.size)
    for text, confidence, block, paragraph, line, left, top, w, h in zip(
        data["text"],
        data["conf"],
        data["block_num"],
        data["par_num"],
        data["line_num"],
        data["left"],
        data["top"],
        data["width"],
        data["height"],
        strict=False,
    ):
        word = str(text).strip()
        if word:
            lines.setdefault((block, paragraph, line), []).append(
                (word, int(left), int(left) + int(w), int(h))
            )
            words.append((word, float(confidence)))
            x0, y0, x1, y1 = (
                round(v, 4)
                for v in (
                    int(left) / width,
                    int(top) / height,
                    (int(left) + int(w)) / width,
                    (int(top) + int(h)) / height,
                )
            )
            boxes.append((x0, y0, x1, y1, word))
    good, tokens = judge(words)
    text = "\n".join(_line_text(placed) for placed in lines.values())
    return Reading(text, good, tokens, tuple(boxes))


COLUMN_GAP = 1.8  # a gap wider than this many text heights parts two columns of a table
STRAY = re.compile(r"^(?:_+|~+|[{}\[\]]|[{}\[](?=[A-Za-z]))")


def _line_text(placed: list[tuple[str, int, int, int]]) -> str:
    """A line's words, with a wide gap kept as three spaces: the columns of a table ("ER   SP1
    Positive") stay columns, as in a text layer. A bracket OCR reads for a table's rule is the
    rule ("|"); a lone run of underscores (a form's blank) is dropped."""
    out: list[str] = []
    end = None
    height = max(h for *_, h in placed)  # the line's: a dash's own box is a sliver
    for word, left, right, _ in placed:
        if STRAY.match(word):
            word = "|" + STRAY.sub("", word) if word[0] in "{}[]" else STRAY.sub("", word)
            if not word:
                continue
        if end is not None:
            out.append("   " if left - end > COLUMN_GAP * max(height, 1) else " ")
        out.append(word)
        end = right
    return "".join(out)


INK = (0.003, 0.3)  # the share of dark pixels on a page of print: more is a photo or noise


def _inked(image: Any) -> bool:
    """Whether the page carries print, read or not: a page photographed sideways gives
    Tesseract no words at all, as a blank page does."""
    small = image.convert("L").reduce(4) if min(image.size) > 400 else image.convert("L")
    histogram = small.histogram()
    dark: float = sum(histogram[:128]) / max(1, sum(histogram))
    return INK[0] < dark < INK[1]


def _top(image: Any) -> Any:
    width, height = image.size
    if height <= width:  # a landscape page or a wide photo: its top is most of it
        return image
    return image.crop((0, 0, width, int(height * TOP_SHARE)))


def _probe(image: Any) -> Any:
    """A quick look at a turned page: its upper part at half the resolution (a quarter of the
    pixels), enough to tell words from noise; read in full only if it is text."""
    width, height = image.size
    band = image.crop((0, 0, width, int(height * (TOP_SHARE if height > width else 0.5))))
    return band.reduce(2) if max(width, height) > PROBE_MIN_SIDE else band


def _text(image: Any, top: bool = True, turns: tuple[int, ...] = TURNS) -> Reading:
    """The page (its top, with `top`) read, turned upright if it was photographed sideways or
    upside down (tried: `turns`); no text when no way up reads as words. Where its words sit
    is kept for a whole page read as it lies (a turned page's words lie across the image)."""
    part = _top if top else (lambda whole: whole)
    first = _read(part(image))
    if first.is_text or (first.tokens < MIN_WORDS and not _inked(image)):
        if not first.is_text:  # a blank page (a page held sideways reads as no words at all,
            return NOTHING  # but it has ink)
        return first if not top else Reading(first.text, first.words, first.tokens)
    for turn in turns:
        turned = image.rotate(turn, expand=True)
        if _read(_probe(turned)).is_text:
            found = _read(part(turned))
            if found.is_text:
                return Reading(found.text, found.words, found.tokens)
    return NOTHING


NOTHING = Reading("", 0, 0)


def _scan_dpi(page: Any, width_pt: float) -> float | None:
    """The resolution the page's largest image was scanned at, if it has images."""
    import pypdfium2.raw as pdfium_c

    best = None
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=1):
        try:
            pixels_w, _ = obj.get_px_size()
            left, _, right, _ = obj.get_bounds()
        except Exception:  # an image pdfium cannot measure says nothing about the scan
            continue
        if right - left > width_pt / 2 and pixels_w:
            dpi = pixels_w / ((right - left) / 72)
            best = max(best or 0.0, dpi)
    return best


# Part of the reading's key in the cache: a change here reads every page again.
SETTINGS = (
    f"dpi {OCR_DPI}/{MIN_DPI}, top {TOP_SHARE:.4f}, side {MAX_SIDE}, psm 6, "
    f"words {MIN_WORDS}/{MIN_SHARE}/{MIN_CONFIDENCE}, turns {TURNS} (scans: if wide), "
    f"probe {PROBE_MIN_SIDE}; word boxes kept; columns {COLUMN_GAP}; ink {INK}"
)
TOP, WHOLE = "top", "whole"  # what of a page is read: where a record names itself, or all


@lru_cache(maxsize=1)
def _version() -> str:
    import pytesseract

    try:
        return str(pytesseract.get_tesseract_version())
    except Exception:  # an odd build that will not say: its readings are kept under "unknown"
        return "unknown"


class _Pages:
    """One scan's pages read once, each through the cache when it is on."""

    def __init__(self, path: Path, use_cache: bool) -> None:
        self.path = path
        self.digest = cache.file_digest(path) if use_cache else ""

    def read(
        self, page: int, part: str, image: Callable[[], Any], scanned: bool = False
    ) -> PageText:
        """`scanned`: a page of a scanned PDF, which a scanner feeds upright — turned only when
        it is wider than high (a portrait page photographed sideways); a photo is tried every
        way up."""

        def text() -> PageText:
            picture = image()
            width, height = picture.size
            turns = TURNS if not scanned or width > height else ()
            found = _text(picture, top=part == TOP, turns=turns)
            return PageText(found.text, found.boxes)

        if not self.digest:
            return text()
        entry = cache.key(self.digest, page, part, f"tesseract {_version()}; {SETTINGS}")
        kept = cache.get(entry)
        if kept is not None:
            try:
                data = json.loads(kept)
                return PageText(data["text"], tuple(tuple(box) for box in data["boxes"]))
            except (ValueError, KeyError, TypeError):  # damaged: read the page again
                pass
        found = text()
        cache.put(entry, json.dumps({"text": found.text, "boxes": found.boxes}))
        return found


@dataclass(frozen=True)
class PageText:
    """What OCR read of a page, and where its words sit (for a whole page read upright)."""

    text: str
    boxes: tuple[Box, ...] = ()


def _render(page: Any) -> Any:
    width, height = page.get_size()
    dpi = min(OCR_DPI, max(MIN_DPI, _scan_dpi(page, width) or OCR_DPI))
    scale = min(dpi / 72, MAX_SIDE / max(width, height, 1))
    return page.render(scale=scale, grayscale=True).to_pil()


def read_pdf(
    path: Path, password: str | None = None, pages: int = 0, use_cache: bool = True
) -> list[str]:
    """The top of the first page (`pages` 0: enough to file and date the scan), or all of the
    first `pages` pages, one text a page."""
    return [page.text for page in read_pdf_pages(path, password, pages, use_cache)]


def read_pdf_pages(
    path: Path, password: str | None = None, pages: int = 0, use_cache: bool = True
) -> list[PageText]:
    """As `read_pdf`, with where the words of each page read in full sit."""
    import pypdfium2 as pdfium

    reader = _Pages(path, use_cache)
    document = pdfium.PdfDocument(str(path), password=password)
    try:
        texts = []
        for number in range(min(max(pages, 1), len(document))):
            page = document[number]
            try:
                texts.append(
                    reader.read(number, WHOLE if pages else TOP, partial(_render, page), True)
                )
            finally:
                page.close()
        return texts
    finally:
        document.close()


def read_image(path: Path, whole: bool = False, use_cache: bool = True) -> str:
    """The top of a photo (enough to file and date it), or all of it."""
    return read_image_page(path, whole, use_cache).text


def read_image_page(path: Path, whole: bool = False, use_cache: bool = True) -> PageText:
    """As `read_image`, with where its words sit when it was read whole, upright."""
    from PIL import Image, ImageOps

    def upright() -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(path) as image:
                image.draft("L", (MAX_SIDE, MAX_SIDE))
                turned = ImageOps.exif_transpose(image) or image
                grey = turned.convert("L")
                if max(grey.size) > MAX_SIDE:
                    grey.thumbnail((MAX_SIDE, MAX_SIDE))
                return grey

    return _Pages(path, use_cache).read(0, WHOLE if whole else TOP, upright)
