"""What a regular install carries: a wheel holds only the data files pyproject.toml declares,
and the fonts were once left out (an editable install hid it; `pip install .` could not build)."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_every_data_file_of_the_package_is_declared_for_the_wheel() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared: dict[str, list[str]] = config["tool"]["setuptools"]["package-data"]
    data = [
        path
        for path in (ROOT / "packet").rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    ]
    assert any(path.suffix == ".ttf" for path in data)
    for path in data:
        package = ".".join(path.parent.relative_to(ROOT).parts)
        patterns = declared.get(package, [])
        assert any(fnmatch(path.name, p) for p in patterns), f"{path} is not in the wheel"
        # importlib.resources reads them by package, so their folder must be one
        assert (path.parent / "__init__.py").exists() or package == "packet", package
