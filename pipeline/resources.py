"""Locating and loading the data files under ``models/``."""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

#: ``NAMELINK_MODELS`` points a run at another models folder (e.g. a copy a
#: user retrains); the default is the ``models/`` folder next to the package.
DEFAULT_MODELS_DIR = Path(__file__).resolve().parent.parent / "models"


def models_dir(path: str | Path | None = None) -> Path:
    if path is not None:
        return Path(path)
    return Path(os.environ.get("NAMELINK_MODELS", DEFAULT_MODELS_DIR))


@lru_cache(maxsize=64)
def _load_yaml_cached(path: str, mtime: float) -> Any:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def load_yaml(path: str | Path) -> Any:
    """Load a YAML data file (cached until the file changes)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"missing data file: {path}")
    return _load_yaml_cached(str(path), path.stat().st_mtime)


def rules(name: str, models: str | Path | None = None) -> dict[str, Any]:
    """Load ``models/rules/<name>.yaml``."""
    return load_yaml(models_dir(models) / "rules" / f"{name}.yaml")


def hash_files(paths: list[Path]) -> str:
    """A short content hash of data files, for the manifest and re-run checks."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
