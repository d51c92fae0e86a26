"""One knowledge base per pipeline: the data of a models folder, loaded once and shared.

Every namelink component (and the batch layer's cleaner) reads the knowledge
base and rules through :func:`load_shared`, which returns the same
:class:`SharedKnowledge` object for the same folder content and language, so a
pipeline holds one copy however many components read it. The components
name the loader in their config as a registered function (registered by
:mod:`pipeline.kb.registered`)::

    [components.namelink_linker.shared]
    @misc = "namelink.shared_knowledge.v1"

A folder's content is identified by :func:`pipeline.resources.models_fingerprint`:
two copies of the same data (a pipeline saved with ``nlp.to_disk`` keeps one
per component) are one object in memory, and an edited folder is loaded
again (the object of its old content is let go). This module imports no spaCy.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from threading import RLock
from typing import Any, TypeVar

from pipeline.kb.base import KnowledgeBase
from pipeline.kb.index import AliasIndex, tokenizer_signature
from pipeline.kb.keys import NameKeys, fold
from pipeline.kb.lexicon import given_names
from pipeline.resources import (
    DATA_FOLDERS,
    LabelRules,
    LinkingRules,
    MorphologyRules,
    NameRules,
    RecogniseRules,
    models_dir,
    models_fingerprint,
)

_V = TypeVar("_V")
#: Loads the shared data of a models folder (None: the default folder) for a language (None: any).
SharedLoader = Callable[[str | Path | None, str | None], "SharedKnowledge"]


@dataclass(eq=False)
class SharedKnowledge:
    """The knowledge base and rules of one models folder, for one language.

    ``kb`` the knowledge base, ``keys`` the name keys, ``names``, ``linking``,
    ``labels`` and ``recognise`` the typed views of the rule files (each read
    from ``rules/<lang>/`` when the language has its own); ``given_names`` the
    folded common given names of ``rules/given_names.txt``. Everything is read
    when the object is built: it never goes back to the folder, which may be
    gone (a temporary copy). Read-only once built, so components keep their
    per-document state in local objects.
    """

    folder: Path
    fingerprint: str
    lang: str | None
    kb: KnowledgeBase
    keys: NameKeys
    names: NameRules
    linking: LinkingRules
    labels: LabelRules
    recognise: RecogniseRules
    given_names: frozenset[str]
    _built: dict[Any, Any] = field(default_factory=dict, repr=False)
    _lock: RLock = field(default_factory=RLock, repr=False)

    @classmethod
    def load(cls, models: str | Path | None = None, lang: str | None = None) -> SharedKnowledge:
        folder = models_dir(models)
        return cls(
            folder=folder,
            fingerprint=models_fingerprint(folder),
            lang=lang,
            kb=KnowledgeBase.load(folder, lang=lang),
            keys=NameKeys(folder, lang),
            names=NameRules.load(folder, lang),
            linking=LinkingRules.load(folder, lang),
            labels=LabelRules.load(folder, lang),
            recognise=RecogniseRules.load(folder, lang),
            given_names=given_names(folder),
        )

    def once(self, key: Any, build: Callable[[], _V]) -> _V:
        """``build()``, made once per ``key`` for this data (thread-safe): what components derive from it."""
        with self._lock:
            if key not in self._built:
                self._built[key] = build()
            return self._built[key]

    def alias_index(self, tokenizer: Callable[[str], Any]) -> AliasIndex:
        """The name forms indexed as ``tokenizer`` splits them (built once per tokenizer)."""
        return self.once(("index", id(tokenizer)), lambda: _Indexed(tokenizer, self._index(tokenizer))).index

    def _index(self, tokenizer: Callable[[str], Any]) -> AliasIndex:
        signature = tokenizer_signature(tokenizer) or None
        tokenize = lambda text: [t.text for t in tokenizer(text)]  # noqa: E731
        return AliasIndex(self.kb, tokenize, self.keys, signature, self.linking.candidate_limit)

    def view(self, cls: type[_V]) -> _V:
        """The typed view ``cls`` of this folder's rules: a field when it is one of the known
        views, else read once (from :attr:`folder`, which must then still exist)."""
        for value in (self.names, self.linking, self.labels, self.recognise):
            if type(value) is cls:
                return value  # type: ignore[return-value]
        return self.once(("view", cls), lambda: cls.load(self.folder, self.lang))  # type: ignore[attr-defined]

    @cached_property
    def morphology(self) -> MorphologyRules:
        """How Russian names in Cyrillic are read (``rules/ru/morphology.yaml``), whatever the language."""
        return MorphologyRules.for_cyrillic(self.folder)

    @cached_property
    def name_words(self) -> set[str]:
        """Every alphabetic word of every person name form."""
        return self.kb.name_words()

    @cached_property
    def person_titles(self) -> frozenset[str]:
        """Folded titles a person's name may follow: the words of ``names.yaml`` and the press
        abbreviations of ``recognise.yaml`` (``Gen``, ``Capt``), each without its dot."""
        return frozenset(fold(t) for t in (*self.names.titles, *self.recognise.evidence_titles))

    @cached_property
    def kb_given_names(self) -> frozenset[str]:
        """Folded common given names and the knowledge base's own."""
        return self.given_names | self.kb.entity_given_names()


@dataclass
class _Indexed:
    """An index with the tokenizer it was built for (kept alive, so its id stays its own)."""

    tokenizer: Any
    index: AliasIndex


_CACHE: dict[tuple[str, str | None], SharedKnowledge] = {}
_FOLDERS: dict[tuple[str, str | None], tuple[str, str | None]] = {}  # (folder, lang) -> its cache key
_CACHE_LOCK = RLock()


def load_shared(models: str | Path | None = None, lang: str | None = None) -> SharedKnowledge:
    """The :class:`SharedKnowledge` of a models folder, loaded once per content and language."""
    folder = models_dir(models).resolve()
    if lang and not (folder / "rules" / lang).is_dir():
        lang = None  # no rules of its own: the language-neutral data, shared with every language
    key = (models_fingerprint(folder), lang)
    with _CACHE_LOCK:
        if key not in _CACHE:
            _CACHE[key] = SharedKnowledge.load(folder, lang)
        old = _FOLDERS.get((str(folder), lang))
        _FOLDERS[(str(folder), lang)] = key
        if old is not None and old != key and old not in _FOLDERS.values():
            del _CACHE[old]  # the folder was edited: its old content is nobody's any more
        return _CACHE[key]


class LazyShared:
    """A component's handle on the shared data: loaded on first use, so that
    ``spacy.load`` of a saved pipeline reads only the copy its ``from_disk``
    names. ``models`` is the folder this handle reads, ``lang`` its language."""

    def __init__(self, loader: SharedLoader, models: str | Path | None, lang: str | None = None) -> None:
        self.loader = loader
        self.models = models
        self.lang = lang
        self._data: SharedKnowledge | None = None

    def get(self) -> SharedKnowledge:
        if self._data is None:
            self._data = self.loader(self.models, self.lang)
        return self._data

    def point_to(self, models: str | Path) -> None:
        self.models, self._data = models, None

    def __getstate__(self) -> dict[str, Any]:
        # Sent to another process (nlp.pipe(n_process=2) with spawn): the data loads again there.
        return {**self.__dict__, "_data": None}


class SharedDataComponent:
    """Serialisation for a component that reads the shared data through ``self.shared``
    (a :class:`LazyShared`): ``to_disk`` saves a copy of the data folders (kb,
    rules, learned) of the folder the component reads beside it, ``from_disk``
    reads that copy, so a pipeline saved with ``nlp.to_disk`` is self-contained.
    """

    shared: LazyShared
    DATA_DIR = "models"

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Save the models data this component reads into ``path/models`` (replacing an older copy)."""
        loaded = self.shared.get()
        source = models_dir(self.shared.models)
        if models_fingerprint(source) != loaded.fingerprint:
            raise RuntimeError(f"cannot save the knowledge base: {source} is gone or has changed since it was loaded")
        target = Path(path) / self.DATA_DIR
        shutil.rmtree(target, ignore_errors=True)
        for name in DATA_FOLDERS:
            if (source / name).is_dir():
                shutil.copytree(source / name, target / name)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> SharedDataComponent:
        """Read the data ``to_disk`` saved beside the component (loaded on first use)."""
        folder = Path(path) / self.DATA_DIR
        if not (folder / "kb").is_dir():
            raise FileNotFoundError(f"{path}: no saved knowledge base ({self.DATA_DIR}/kb) for this component")
        self.shared.point_to(folder)
        return self
