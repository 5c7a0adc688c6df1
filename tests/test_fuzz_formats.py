"""A small seeded sample of the format fuzz (tests/benchmarks/fuzz_formats.py, which runs 300
mutants of each): one folder of damaged files per format — zip, email, Word, C-CDA, DICOM —
through `packet check --json` and `packet build`, each in a fresh process limited to 1.5 GB
and 60 s. Every run exits with a documented code and no traceback, and every file and member
is accounted for. The same seeds give the same files on every run.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
from fuzz_formats import FORMATS, run_folder, write_folder

SAMPLE = 8  # mutants per format


@pytest.mark.parametrize("fmt", FORMATS)
def test_damaged_files_of_each_format_cost_only_themselves(tmp_path: Path, fmt: str) -> None:
    records = tmp_path / "records"
    write_folder(fmt, records, SAMPLE, random.Random(f"suite-{fmt}"))
    outcome = run_folder(records)
    assert not outcome.failed, (outcome.messages, outcome.unaccounted)
    assert outcome.files >= SAMPLE
