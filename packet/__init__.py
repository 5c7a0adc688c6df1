"""packet: turn a caregiver's folder of cancer records into one organized second-opinion packet."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("packet")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
