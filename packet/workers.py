"""Running CPU-bound work (reading files, converting photos) in worker processes.

Forked workers start at once with everything already imported. Below a few items, on one
core, or where forking is not safe (everywhere but Linux), the work runs in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")
MAX_WORKERS = 4


def parallel_map(
    function: Callable[[T], R], items: Iterable[T], enough: bool, chunksize: int = 1
) -> Iterator[R]:
    """`map(function, items)` in order; in worker processes when `enough` work is asked for."""
    workers = min(MAX_WORKERS, os.cpu_count() or 1)
    # fork only where it is safe with native libraries loaded (macOS frameworks are not).
    if not enough or workers < 2 or not sys.platform.startswith("linux"):
        yield from map(function, items)
        return
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))
    try:
        yield from pool.map(function, items, chunksize=chunksize)
    finally:
        pool.shutdown(cancel_futures=True)
