"""Running CPU-bound work (reading files, converting photos) in worker processes.

Forked workers start at once with everything already imported. Below a few items, or on one
core, the work runs in this process: starting workers would cost more than it saves.
"""

from __future__ import annotations

import multiprocessing
import os
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
    if not enough or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(function, items)
        return
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))
    try:
        yield from pool.map(function, items, chunksize=chunksize)
    finally:
        pool.shutdown(cancel_futures=True)
