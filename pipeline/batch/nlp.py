"""Building the spaCy pipeline: the model plus namelink's components."""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language

from pipeline.batch.model import DEFAULT_MODEL, ModelNotFoundError, require_installed, resolve_model

# Importing the modules registers the factories.
from pipeline.link import component as _link  # noqa: F401
from pipeline.recognise import case as _case  # noqa: F401
from pipeline.recognise import component as _recognise  # noqa: F401
from pipeline.recognise.pos import replace_attribute_ruler

__all__ = ["DEFAULT_MODEL", "ModelNotFoundError", "UNUSED_COMPONENTS", "build_nlp", "load_model"]

#: The pipeline name of a language read by namelink's rules alone (``blank:de``).
RULES_ONLY = "blank:"
#: Components of the English pipelines that namelink's output never reads.
UNUSED_COMPONENTS = ("lemmatizer", "parser")


def load_model(name: str = DEFAULT_MODEL) -> Language:
    """Load an installed spaCy pipeline (package name, path, or a name of
    :data:`pipeline.batch.model.MODEL_FOLDERS`), never downloading."""
    require_installed(name)  # not installed, or a path that is no pipeline: a message that says which
    try:
        nlp = spacy.load(resolve_model(name), exclude=list(UNUSED_COMPONENTS))
    except Exception as err:  # OSError, or a config.cfg spaCy refuses (ConfigValidationError, ValueError...)
        raise ModelNotFoundError(f"spaCy cannot load the pipeline {name!r}: {err}") from err
    if "ner" not in nlp.pipe_names:
        raise ModelNotFoundError(f"spaCy pipeline {name!r} has no 'ner' component")
    return nlp


def build_nlp(model: str = DEFAULT_MODEL, models: str | Path | None = None, language: str | None = None) -> Language:
    """The full recognise + link pipeline on top of ``model``, its rules those of ``language``
    (``rules/<lang>/`` over the general ones; None: the model's own language).

    The model's ``attribute_ruler`` gives way to ``namelink_tag_pos`` (same
    coarse tags, a fraction of the time); see :mod:`pipeline.recognise.pos`.
    """
    config = {"models": str(models) if models else None}
    rules = {**config, "language": language}
    if model.startswith(RULES_ONLY):
        return _rules_only(model[len(RULES_ONLY) :], rules)
    nlp = load_model(model)
    replace_attribute_ruler(nlp)
    nlp.add_pipe("namelink_truecase", first=True, config=config)
    nlp.add_pipe("namelink_person_rules", after="ner", config=rules)
    nlp.add_pipe("namelink_linker", after="namelink_person_rules", config=rules)
    nlp.add_pipe("namelink_source_case", after="ner", config=config)
    return nlp


def _rules_only(lang: str, config: dict[str, str | None]) -> Language:
    """A language with no statistical pipeline: spaCy's tokenizer of the language and namelink's
    rules alone (knowledge-base names, name shapes that start with a known given name, titles):
    never a bare capitalised word, so a German noun is no person."""
    try:
        nlp = spacy.blank(lang)
    except (ImportError, KeyError) as err:
        raise ModelNotFoundError(f"spaCy has no tokenizer for the language {lang!r} ({RULES_ONLY}{lang})") from err
    nlp.add_pipe("namelink_person_rules", config=config)
    nlp.add_pipe("namelink_linker", config=config)
    return nlp
