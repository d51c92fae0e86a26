"""The registered loader of the shared data, ``namelink.shared_knowledge.v1`` (spaCy's ``registry.misc``).

Imported by the component modules, and named in ``pyproject.toml``'s
``spacy_misc`` entry points, so a config that names it resolves in plain spaCy.
"""

from __future__ import annotations

from spacy.util import registry

from pipeline.kb.shared import SharedLoader, load_shared


@registry.misc("namelink.shared_knowledge.v1")
def make_shared_loader() -> SharedLoader:
    """The loader every namelink component is configured with: :func:`pipeline.kb.shared.load_shared`."""
    return load_shared
