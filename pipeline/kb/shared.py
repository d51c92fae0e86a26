"""One knowledge base per pipeline: the data of a models folder, loaded once and shared.

Every namelink component (and the batch layer's cleaner) reads the knowledge
base and rules through :func:`load_shared`, which returns the same
:class:`SharedKnowledge` object for the same folder content, so a pipeline
holds one copy however many components read it. The components name the
loader in their config as a registered function::

    [components.namelink_linker.shared]
    @misc = "namelink.shared_knowledge.v1"

A folder's content is identified by :func:`pipeline.resources.models_fingerprint`,
so two copies of the same data (a pipeline saved with ``nlp.to_disk`` keeps
one per component) are still one object in memory.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from threading import Lock
from typing import Any, TypeVar

from spacy.util import registry

from pipeline.kb.base import KnowledgeBase
from pipeline.kb.index import AliasIndex
from pipeline.kb.keys import NameKeys, fold
from pipeline.kb.lexicon import given_names
from pipeline.resources import DATA_FOLDERS, LabelRules, LinkingRules, NameRules, models_dir, models_fingerprint

_V = TypeVar("_V")
#: Loads the shared data of a models folder (None: the default folder).
SharedLoader = Callable[[str | Path | None], "SharedKnowledge"]


@dataclass(eq=False)
class SharedKnowledge:
    """The knowledge base and rules of one models folder.

    ``kb`` the knowledge base, ``keys`` the name keys, ``names``, ``linking``
    and ``labels`` the typed views of ``rules/names.yaml``, ``linking.yaml``
    and ``labels.yaml``; ``given_names`` the folded common given names of
    ``rules/given_names.txt``. Read-only once built: components keep their
    per-document state in local objects.
    """

    folder: Path
    fingerprint: str
    kb: KnowledgeBase
    keys: NameKeys
    names: NameRules
    linking: LinkingRules
    labels: LabelRules
    given_names: frozenset[str]
    _indexes: list[tuple[Any, AliasIndex]] = field(default_factory=list, repr=False)
    _views: dict[type, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, models: str | Path | None = None) -> SharedKnowledge:
        folder = models_dir(models)
        return cls(
            folder=folder,
            fingerprint=models_fingerprint(folder),
            kb=KnowledgeBase.load(folder),
            keys=NameKeys(folder),
            names=NameRules.load(folder),
            linking=LinkingRules.load(folder),
            labels=LabelRules.load(folder),
            given_names=given_names(folder),
        )

    def alias_index(self, tokenizer: Callable[[str], Any]) -> AliasIndex:
        """The name forms indexed as ``tokenizer`` splits them (built once per tokenizer)."""
        for known, index in self._indexes:
            if known is tokenizer:
                return index
        index = AliasIndex(self.kb, lambda text: [t.text for t in tokenizer(text)], self.keys)
        self._indexes.append((tokenizer, index))
        return index

    def view(self, cls: type[_V]) -> _V:
        """A typed view of another rule file of this folder (``RecogniseRules``...), loaded once."""
        if cls not in self._views:
            self._views[cls] = cls.load(self.folder)
        return self._views[cls]

    @cached_property
    def name_words(self) -> set[str]:
        """Every alphabetic word of every person name form."""
        return self.kb.name_words()

    @cached_property
    def kb_given_names(self) -> frozenset[str]:
        """Folded common given names and the knowledge base's own."""
        return self.given_names | {fold(w) for e in self.kb.entities.values() for w in e.given}


_CACHE: dict[str, SharedKnowledge] = {}
_LOCK = Lock()


def load_shared(models: str | Path | None = None) -> SharedKnowledge:
    """The :class:`SharedKnowledge` of a models folder, loaded once per content."""
    key = models_fingerprint(models_dir(models))
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = SharedKnowledge.load(models)
        return _CACHE[key]


@registry.misc("namelink.shared_knowledge.v1")
def make_shared_loader() -> SharedLoader:
    """The loader every namelink component is configured with (see the module docstring)."""
    return load_shared


class LazyShared:
    """A component's handle on the shared data: loaded on first use, so that
    ``spacy.load`` of a saved pipeline reads only the copy its ``from_disk`` names."""

    def __init__(self, loader: SharedLoader, models: str | Path | None) -> None:
        self.loader = loader
        self.models = models
        self._data: SharedKnowledge | None = None

    def get(self) -> SharedKnowledge:
        if self._data is None:
            self._data = self.loader(self.models)
        return self._data

    def point_to(self, models: str | Path) -> None:
        self.models, self._data = models, None


class SharedDataComponent:
    """Serialisation for a component that reads the shared data through ``self.shared``
    (a :class:`LazyShared`): ``to_disk`` saves a copy of the data folders of the
    models folder (kb, rules, learned) beside the component, ``from_disk``
    reads it back, so a pipeline saved with ``nlp.to_disk`` is self-contained.
    """

    shared: LazyShared
    DATA_DIR = "models"

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        target = Path(path) / self.DATA_DIR
        source = self.shared.get().folder
        for name in DATA_FOLDERS:
            if (source / name).is_dir():
                shutil.copytree(source / name, target / name, dirs_exist_ok=True)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> SharedDataComponent:
        """Read the data ``to_disk`` saved beside the component (loaded on first use)."""
        folder = Path(path) / self.DATA_DIR
        if not (folder / "kb").is_dir():
            raise FileNotFoundError(f"{path}: no saved knowledge base ({self.DATA_DIR}/kb) for this component")
        self.shared.point_to(folder)
        return self
