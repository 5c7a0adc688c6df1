"""packet: turn a caregiver's folder of cancer records into one organized second-opinion packet."""

import os

# Pydantic plugins (observability tools among them) would see every record's text and dates as
# it is validated; none is loaded, and the scan of installed packages for them is skipped.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def version() -> str:
    """The installed version (looked up only when asked: importlib.metadata is slow to load)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("packet")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"
