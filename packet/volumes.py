"""Volumes: the records packed under a size limit (`--max-size`), and each volume's own pages laid
out until their page numbers settle, so every number in every contents is the stamped one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packet.errors import BuildError, UsageError
from packet.pages import (
    Numbering,
    PacketContext,
    Record,
    Rendered,
    back_matter,
    front_matter,
)
from packet.sources import Source


@dataclass(frozen=True)
class Volume:
    """One PDF of the packet: its records, and its own pages laid out and numbered."""

    ctx: PacketContext
    numbering: Numbering
    front: Rendered
    back: Rendered | None  # "Files not included", in the last volume
    sources: list[Source]


def layout_volumes(ctx_base: dict[str, Any], parts: list[list[Source]]) -> list[Volume]:
    """Render each volume's own pages until their page counts settle, so that every number in
    every contents is the number stamped on the page."""
    n = len(parts)
    fronts, backs = [0] * n, [0] * (n - 1) + [1]
    sections: list[dict[str, int]] = [{} for _ in range(n)]
    record_pages = [sum(len(s.pages) for s in sources) for sources in parts]
    for _ in range(6):
        records = []
        for v, sources in enumerate(parts):
            first = fronts[v] + 1
            for source in sources:
                count = len(source.pages)
                records.append(Record(source.out, first, first + count - 1, v + 1, source.title))
                first += count
        volumes, stable = [], True
        for v in range(n):
            ctx = PacketContext(records=records, volume=v + 1, volumes=n, **ctx_base)
            total = fronts[v] + record_pages[v] + backs[v]
            numbering = Numbering(total=total, sections=sections[v])
            front = front_matter(ctx, numbering)
            back_first = fronts[v] + record_pages[v] + 1
            back = back_matter(ctx, numbering, first_page=back_first) if v == n - 1 else None
            stable &= front.pages == fronts[v] and (back is None or back.pages == backs[v])
            fronts[v] = front.pages
            if back is not None:
                backs[v] = back.pages
            # Where each section will start once the counts just found are used (so that a
            # second pass is usually the last).
            found = {key: 1 + page for key, page in front.sections.items()}
            if back is not None:
                found |= {
                    key: fronts[v] + record_pages[v] + 1 + page
                    for key, page in back.sections.items()
                }
            stable &= found == sections[v]
            sections[v] = found
            volumes.append(Volume(ctx, numbering, front, back, parts[v]))
        if stable:
            return volumes
    raise BuildError(
        "The packet's page numbers did not settle.", "Report this; it is a bug in packet."
    )


FRONT_BYTES = 250_000  # what a volume's own pages weigh at most (cover, contents, fonts)


def split_volumes(
    sources: list[Source], max_size: int | None, factor: float
) -> tuple[list[list[Source]], list[str]]:
    """Records in order, packed into volumes under the size limit. A document is split (by pages)
    only when it alone exceeds a volume; the notes say so."""
    if not max_size:
        return [sources], []
    budget = max_size * factor - FRONT_BYTES
    if budget < 100_000:
        raise UsageError(
            f"--max-size {max_size / 1e6:.1f} MB leaves no room for records after the cover and contents.",
            "Give at least 1MB, e.g. --max-size 20MB.",
        )
    volumes: list[list[Source]] = [[]]
    used = 0.0
    notes = []
    for source in sources:
        pieces = [source]
        if source.estimated_size > budget:
            pages = len(source.pages)
            per_page = source.estimated_size / pages
            size = max(1, int(budget // per_page))
            count = -(-pages // size)
            pieces = [source.part(n * size, size, n + 1, count) for n in range(count)]
            notes.append(
                f"{source.doc.path} alone is larger than --max-size ({source.estimated_size / 1e6:.1f} MB): "
                f"it is split into {count} parts, each in its own volume."
            )
        for piece in pieces:
            if volumes[-1] and used + piece.estimated_size > budget:
                volumes.append([])
                used = 0.0
            volumes[-1].append(piece)
            used += piece.estimated_size
    return volumes, notes


def volume_paths(target: Path, count: int, force: bool, written: set[Path]) -> list[Path]:
    """One volume: the output itself; several: `name-volume-1-of-3.pdf` and so on beside it.
    Files this run wrote itself (`written`) may be replaced."""
    if count == 1:
        return [target]
    paths = [
        target.with_name(f"{target.stem}-volume-{k}-of-{count}{target.suffix}")
        for k in range(1, count + 1)
    ]
    existing = [p for p in paths if p.exists() and p not in written]
    if existing and not force:
        raise UsageError(
            f"{existing[0]} already exists.",
            "Add --force to replace it, or choose another name with -o.",
        )
    return paths
