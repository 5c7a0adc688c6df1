"""Running CPU-bound work (reading files, converting photos) in worker processes.

Forked workers start at once with everything already imported. Below a few items, on one
core, or where forking is not safe (everywhere but Linux), the work runs in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")
MAX_WORKERS = 4


PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """A worker ends when the packet process ends, however it ends: killed, it cannot tell its
    workers, and they would wait on their pipe forever, holding the terminal's output open."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pool's own checks must do
        return
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


def parallel_map(
    function: Callable[[T], R], items: Iterable[T], enough: bool, chunksize: int = 1
) -> Iterator[R]:
    """`map(function, items)` in order; in worker processes when `enough` work is asked for."""
    workers = min(MAX_WORKERS, os.cpu_count() or 1)
    # fork only where it is safe with native libraries loaded (macOS frameworks are not).
    if not enough or workers < 2 or not sys.platform.startswith("linux"):
        yield from map(function, items)
        return
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_die_with_parent,
        initargs=(os.getpid(),),
    )
    try:
        yield from pool.map(function, items, chunksize=chunksize)
    finally:
        pool.shutdown(cancel_futures=True)
