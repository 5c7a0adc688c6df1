"""`packet init`: start a records folder with the caregiver's files, never overwriting one.

This is the only command that writes inside the records folder, and it only adds files.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from packet.caregiver import MEDICATIONS_CSV, PACKET_TOML, QUESTIONS_MD, TIMELINE_CSV
from packet.errors import UsageError

TEMPLATES = (PACKET_TOML, TIMELINE_CSV, MEDICATIONS_CSV, QUESTIONS_MD)


@dataclass(frozen=True)
class InitResult:
    folder: Path
    created: list[str]
    kept: list[str]


def proposed_patient(folder: Path) -> list[str]:
    """Comment lines for packet.toml: the name and date of birth the records already in the
    folder agree on (read from their header lines), for the caregiver to confirm. Nothing is
    proposed that fewer than two records, or no more than half of those naming one, agree on."""
    from packet.dates import DateOrder
    from packet.identity import fold, header_identity
    from packet.reading import read_file
    from packet.scan import scan_folder
    from packet.unpack import expand

    names: Counter[str] = Counter()
    shown: dict[str, str] = {}
    births: Counter[dt.date] = Counter()
    day_first: Counter[dt.date] = Counter()  # the same dates read day first
    for found in expand(scan_folder(folder).files).files:
        reading = read_file(found.path, found.relative, [])
        if not reading.usable or not reading.text:
            continue
        identity = header_identity(reading.text)
        if identity.name:
            key = fold(identity.name)
            names[key] += 1
            shown.setdefault(key, identity.name)
        if identity.date_of_birth:
            births[identity.date_of_birth] += 1
            other = header_identity(reading.text, DateOrder.DAY_FIRST).date_of_birth
            if other:
                day_first[other] += 1
    lines = []
    for counter, label, render in (
        (names, "name", lambda k: f'"{shown[k]}"'),
        (births, "date_of_birth", lambda d: d.isoformat()),
    ):
        if not counter:
            continue
        value, votes = counter.most_common(1)[0]
        if votes >= 2 and votes * 2 > sum(counter.values()):
            lines.append(
                f"#   {label} = {render(value)}    (in {votes} of {sum(counter.values())} records)"
            )
    if births and day_first and births.most_common(1)[0][0] != day_first.most_common(1)[0][0]:
        read_day_first = day_first.most_common(1)[0][0].isoformat()
        lines.append(
            f"#   (or date_of_birth = {read_day_first} if the records write the day first)"
        )
    if lines:
        lines.insert(0, "# packet found these in the records already here. Check them, then write")
        lines.insert(1, "# them below in your own words (a name as the patient writes it):")
    return lines


def init_folder(folder: Path) -> InitResult:
    if folder.exists() and not folder.is_dir():
        raise UsageError(
            f"'{folder}' is a file, not a folder.",
            "Give a folder name, e.g. `packet init my-records`.",
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(
            f"Cannot create the folder '{folder}' ({exc.strerror}).",
            "Choose a place you can write to.",
        ) from exc
    created, kept = [], []
    for name in TEMPLATES:
        target = folder / name
        text = files("packet.templates").joinpath(name).read_text(encoding="utf-8")
        if name == PACKET_TOML and not target.exists():
            proposal = proposed_patient(folder)
            if proposal:
                text = text.replace("[patient]\n", "[patient]\n" + "\n".join(proposal) + "\n", 1)
        try:
            with target.open("x", encoding="utf-8", newline="\n") as f:  # "x": never overwrite
                f.write(text)
            created.append(name)
        except FileExistsError:
            kept.append(name)
    return InitResult(folder, created, kept)
