"""Turning photos, scans and text files into PDF pages for the packet.

Photos are fitted to the paper (portrait or landscape, whichever suits them), turned upright
from their EXIF orientation, downscaled to about 200 DPI at that size and JPEG-compressed.
Every page keeps the bottom band free for the stamp.
"""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path

from PIL import Image, ImageOps, ImageSequence
from pypdf import PdfWriter
from pypdf.generic import (
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
)

from packet.geometry import FOOTER_BAND
from packet.layout import PageWriter
from packet.models import Box
from packet.reading import MAX_FRAMES, PACKET_CREATOR, TEXT_LIMIT, decode_text, open_heif_too
from packet.stamp import helvetica, invisible_words

TARGET_DPI = 200
JPEG_QUALITY = 80
PHOTO_MARGIN = 24.0


def _page_size(paper: tuple[float, float], landscape: bool) -> tuple[float, float]:
    short, long = sorted(paper)
    return (long, short) if landscape else (short, long)


def _prepared(frame: Image.Image, box: tuple[float, float]) -> tuple[Image.Image, float, float]:
    """The frame upright, in RGB or greyscale, scaled to about TARGET_DPI inside `box` (points)."""
    frame = ImageOps.exif_transpose(frame) or frame
    if frame.mode not in ("RGB", "L"):
        if frame.mode in ("I;16", "I;16B", "I;16L", "I"):
            frame = frame.point(lambda v: v / 256).convert("L")  # 16-bit scans to 8-bit grey
        elif frame.mode in ("RGBA", "LA", "P", "PA"):
            rgba = frame.convert("RGBA")
            background = Image.new("RGB", rgba.size, (255, 255, 255))
            background.paste(rgba, mask=rgba.getchannel("A"))
            frame = background
        else:
            frame = frame.convert("RGB")  # CMYK, YCbCr, 1-bit...
    scale = min(box[0] / frame.width, box[1] / frame.height)
    width_pt, height_pt = frame.width * scale, frame.height * scale
    target = (max(1, round(width_pt / 72 * TARGET_DPI)), max(1, round(height_pt / 72 * TARGET_DPI)))
    if target[0] < frame.width:
        # reducing_gap: a fast box reduction first, then Lanczos for the last step
        frame = frame.resize(target, Image.Resampling.LANCZOS, reducing_gap=2.0)
    return frame, width_pt, height_pt


def image_to_pdf(path: Path, paper: tuple[float, float], words: tuple[Box, ...] = ()) -> bytes:
    """Every frame of an image file as a page fitted to the paper. The JPEG is embedded as it
    was encoded (DCTDecode), written straight into the PDF: no second encoding, no text armour.
    `words`: what OCR read on the (first) frame, laid on it as invisible, searchable text."""
    writer = PdfWriter()
    open_heif_too()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Image.open(path) as image:
            for number, frame in enumerate(ImageSequence.Iterator(image)):
                if number == MAX_FRAMES:
                    break
                oriented = _oriented_size(frame)
                size = _page_size(paper, landscape=oriented[0] > oriented[1])
                box = (size[0] - 2 * PHOTO_MARGIN, size[1] - PHOTO_MARGIN - FOOTER_BAND - 6)
                if image.format == "JPEG":
                    # Decode at a reduced size straight away: far faster, far less memory. Asked
                    # for: the fitted size in the orientation the file stores, less 10% so that
                    # a photo just over twice that size still decodes at half size.
                    fit = min(box[0] / oriented[0], box[1] / oriented[1]) * TARGET_DPI / 72 * 0.9
                    frame.draft("RGB", (int(frame.width * fit), int(frame.height * fit)))
                ready, w, h = _prepared(frame, box)
                encoded = io.BytesIO()
                ready.save(encoded, "JPEG", quality=JPEG_QUALITY, optimize=True)
                x, y = (size[0] - w) / 2, FOOTER_BAND + 6 + (box[1] - h) / 2
                layer = words if number == 0 else ()
                _image_page(writer, size, encoded.getvalue(), ready, (x, y, w, h), layer)
    writer.add_metadata({"/Creator": PACKET_CREATOR, "/Producer": "packet"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _image_page(
    writer: PdfWriter,
    size: tuple[float, float],
    jpeg: bytes,
    image: Image.Image,
    place: tuple[float, float, float, float],
    words: tuple[Box, ...] = (),
) -> None:
    page = writer.add_blank_page(width=size[0], height=size[1])
    picture = StreamObject()
    picture._data = jpeg  # already encoded: written as is
    picture.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(image.width),
            NameObject("/Height"): NumberObject(image.height),
            NameObject("/ColorSpace"): NameObject(
                "/DeviceGray" if image.mode == "L" else "/DeviceRGB"
            ),
            NameObject("/BitsPerComponent"): NumberObject(8),
            NameObject("/Filter"): NameObject("/DCTDecode"),
        }
    )
    x, y, w, h = place
    data = f"q {w:.3f} 0 0 {h:.3f} {x:.3f} {y:.3f} cm /Photo Do Q".encode()
    resources = DictionaryObject(
        {
            NameObject("/XObject"): DictionaryObject(
                {NameObject("/Photo"): writer._add_object(picture)}
            )
        }
    )
    if words:
        layer = invisible_words(words, w, h, WORDS_FONT)
        data = f"q 1 0 0 1 {x:.3f} {y:.3f} cm\n".encode() + layer + b"\nQ\n" + data
        resources[NameObject("/Font")] = DictionaryObject(
            {NameObject(WORDS_FONT): writer._add_object(helvetica())}
        )
    content = DecodedStreamObject()
    content.set_data(data)
    page[NameObject("/Contents")] = writer._add_object(content.flate_encode())
    page[NameObject("/Resources")] = resources


WORDS_FONT = "/PacketWords"


def _oriented_size(frame: Image.Image) -> tuple[int, int]:
    orientation = frame.getexif().get(0x0112, 1)
    return (
        (frame.height, frame.width) if orientation in (5, 6, 7, 8) else (frame.width, frame.height)
    )


def text_to_pdf(path: Path, paper: tuple[float, float]) -> bytes:
    """A plain-text or Markdown file as readable pages: headings bold, everything else as written."""
    with path.open("rb") as f:
        raw = f.read(TEXT_LIMIT + 1)
    cut = len(raw) > TEXT_LIMIT
    text = decode_text(raw[:TEXT_LIMIT]).replace("\r\n", "\n")
    try:
        text.encode("cp1252")
        latin = True  # most notes: drawn in Helvetica, no font embedded in every converted file
    except UnicodeEncodeError:
        latin = False
    writer = PageWriter(paper, footer=lambda canvas, n: None, standard=latin)
    writer.new_page()  # no file name on it: the stamp gives the record's title (DESIGN: no
    # caregiver file names on the center's pages)
    markdown = path.suffix.lower() in (".md", ".markdown")
    for line in text.split("\n"):
        if markdown:
            line = re.sub(
                r"(\*\*|__|`)(.+?)\1", r"\2", line
            )  # bold and code marks, not their words
        stripped = line.strip()
        if stripped.startswith("#"):
            writer.space(4)
            writer.paragraph(stripped.lstrip("#").strip(), size=12, bold=True)
        elif not stripped:
            writer.space(6)
        else:
            writer.paragraph(line.rstrip().expandtabs(4), size=10)
    if cut:
        size = path.stat().st_size
        writer.space(8)
        writer.paragraph(
            f"[The file continues: only its first {TEXT_LIMIT // 1000} KB of "
            f"{size / 1e6:.1f} MB are shown here.]",
            size=10,
            bold=True,
        )
    data, _, _ = writer.finish()
    return data
