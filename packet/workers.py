"""Running CPU-bound work (reading files, converting photos) in worker processes.

Forked workers start at once with everything already imported. Below a few items, on one
core, or where forking is not safe (everywhere but Linux), the work runs in this process.
A run that is stopped, or fails, kills its workers rather than wait for them.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

from packet.stopping import for_a_worker, signals_held

T = TypeVar("T")
R = TypeVar("R")
MAX_WORKERS = 4


PR_SET_PDEATHSIG = 1


def _start_worker(parent: int) -> None:
    for_a_worker()
    _die_with_parent(parent)


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


_running: set[ProcessPoolExecutor] = set()


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
        initializer=_start_worker,
        initargs=(os.getpid(),),
    )
    _running.add(pool)
    try:
        with signals_held():  # the workers are forked, and the pool's threads started, here
            results = pool.map(function, items, chunksize=chunksize)
        yield from results
    except BaseException:  # stopped, or the caller gave up: no waiting for chunks under way
        _end(pool)
        raise
    else:
        pool.shutdown()
    finally:
        _running.discard(pool)


def end_all() -> None:
    """Kill every worker of this process: the run is stopping, and a map whose caller was
    interrupted between two results may not be closed until the process exits."""
    for pool in list(_running):
        _end(pool)
    _running.clear()


def _end(pool: ProcessPoolExecutor) -> None:
    processes = list((pool._processes or {}).values())  # the pool has no public way to kill
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.kill()
    for process in processes:
        process.join(timeout=5)
