"""The OCR cache: what Tesseract read of a scan, kept so that no scan is read twice — not by the
next `check`, nor by the `build` after it.

It lives in the user's cache folder (platformdirs: `~/.cache/packet` on Linux, honouring
XDG_CACHE_HOME; `~/Library/Caches/packet` on macOS; the local app-data folder on Windows), never
in the records folder. The folder is private to the user (0700, files 0600), bounded (the
least recently used entries go first once it holds more than LIMIT bytes), and `packet cache
clear` empties it. An entry is keyed by the file's SHA-256, the page, what was read (the top of
the page, or all of it), Tesseract's version and packet's reading settings: a changed file, a
new Tesseract or new settings read the page again. The text of scanned records is what it
holds; nothing else about the records is kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

LIMIT = 200_000_000  # bytes of text: tens of thousands of pages
PRUNE_EVERY = 64  # entries written between checks of the folder's size


def folder() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("packet", appauthor=False)) / "ocr"


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def key(digest: str, page: int, part: str, settings: str) -> str:
    return hashlib.sha256(f"{digest}\0{page}\0{part}\0{settings}".encode()).hexdigest()


def _path(entry: str) -> Path:
    return folder() / entry[:2] / entry


def get(entry: str) -> str | None:
    """The text kept for `entry`, or None; a damaged or unreadable entry is a miss."""
    path = _path(entry)
    try:
        text = path.read_text(encoding="utf-8")
        os.utime(path)  # recently used: kept longest
    except (OSError, UnicodeDecodeError):
        return None
    return text


_written = 0


def put(entry: str, text: str) -> None:
    """Keep `text`; a cache that cannot be written (a full disk, no home folder) is no cache."""
    global _written
    path = _path(entry)
    try:
        _private_dirs(path.parent)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(temporary)
        return
    _written += 1
    if _written % PRUNE_EVERY == 0:
        prune()


def _private_dirs(path: Path) -> None:
    """The cache's folders (packet's own, its OCR folder, the entry's), readable by the user
    alone."""
    top = folder()
    for part in (top.parent, top, path):
        if not part.is_dir():
            part.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(part, 0o700)


def entries() -> list[Path]:
    top = folder()
    return [p for p in top.glob("*/*") if p.is_file()] if top.is_dir() else []


def size() -> int:
    return sum(p.stat().st_size for p in entries())


def prune(limit: int = LIMIT) -> None:
    """Least recently used entries removed until the cache holds at most `limit` bytes."""
    try:
        found = sorted(entries(), key=lambda p: p.stat().st_mtime)
        total = sum(p.stat().st_size for p in found)
        for path in found:
            if total <= limit:
                break
            total -= path.stat().st_size
            path.unlink(missing_ok=True)
    except OSError:
        return


def clear() -> tuple[int, int]:
    """Empty the cache: (entries, bytes) removed."""
    found = entries()
    removed = (len(found), sum(p.stat().st_size for p in found))
    shutil.rmtree(folder(), ignore_errors=True)
    return removed
