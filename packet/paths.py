"""What a path in the records folder is, before anything opens it: a plain file, or a pipe,
socket or device that must never be read, or a link that leads outside the folder.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path, PurePosixPath

# Characters a file name may hold that a terminal would obey rather than show: control codes
# (escape sequences recolour, retitle or clear the terminal) and the bidirectional overrides
# that make "gpj.exe" read as "exe.jpg".
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def safe_name(text: str) -> str:
    """`text` with every such character written out visibly (ESC as \\x1b, U+202E as
    \\u202e), so a name prints as what it is, in the terminal, the JSON and the packet."""
    return _UNSAFE.sub(
        lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text
    )


def unique_path(shown: str, taken: set[str]) -> str:
    """`shown`, or when another file already shows under it, the same name numbered
    (`mail.eml/report (2).pdf`): two attachments or zip members of one name, or two names that
    differ only in their encoding, must stay two records that `check` and `build` agree on.
    The path returned is added to `taken`."""
    if shown in taken:
        path = PurePosixPath(shown)
        stem, suffix = (path.stem, path.suffix) if path.stem else (path.name, "")
        folder = shown[: len(shown) - len(path.name)]
        number = 2
        while (candidate := f"{folder}{stem} ({number}){suffix}") in taken:
            number += 1
        shown = candidate
    taken.add(shown)
    return shown


def not_a_regular_file(path: Path) -> str | None:
    """Why packet must not open `path` (following a link inside the folder): a named pipe would
    make it wait forever, a device read forever. None for a plain file."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None  # reading it will say what is wrong, with a fix
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe, not a file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a file"
    return "not a regular file"


def caregiver_file_refusal(path: Path, folder: Path) -> str | None:
    """Why a caregiver file (packet.toml, timeline.csv…) is not read: it must be a plain file
    inside the records folder, not a link to somewhere else."""
    if not path.is_symlink() and not path.exists():
        return None
    if path.is_symlink() and not is_inside(path, folder.resolve()):
        return "is a link to a file outside the records folder"
    if not path.exists():
        return "is a link whose target is missing"
    special = not_a_regular_file(path)
    return f"is {special}" if special else None


def is_inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder)
    except (ValueError, OSError, RuntimeError):
        return False
    return True
