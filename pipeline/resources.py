"""The ``models/`` folder: where it is, its YAML files, and typed views of its rule files.

``NAMELINK_MODELS`` points a run at another models folder (a copy a user
retrains); the default is the copy an installed wheel ships inside the
package (``pipeline/_models``, see ``setup.py``), else, in a checkout or an
editable install, the ``models/`` folder next to the package. Rule
files are looked up per language first: ``rules/<lang>/<name>.yaml`` when it
exists, else ``rules/<name>.yaml`` (the English and language-neutral rules
of today), so a language adds its own files without touching the others.

Typed views (:class:`NameRules`, :class:`LinkingRules`, :class:`LabelRules`)
give the components named, checked fields instead of dictionary lookups; a
missing key raises :class:`RulesError` naming the file and the key.

Every file of a models folder is checked against its schema before any of
it is used (:func:`pipeline.kb.validate.ensure_valid`, called by
:func:`rules`, :meth:`_View.load` and the knowledge-base loaders): a
malformed folder raises :class:`ModelsError` with every problem found, each
naming its file and line (:class:`Problem`).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Sequence
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml


def default_models_dir(package: Path) -> Path:
    """The models folder of the namelink package at ``package``: ``package/_models``, the copy
    a wheel ships (package data, ``setup.py``), where it exists; else ``models/`` beside the
    package, a checkout's (an editable install, the tests), which a wheel never has."""
    packaged = package / "_models"
    return packaged if packaged.is_dir() else package.parent / "models"


#: The models folder when neither ``--models`` nor ``$NAMELINK_MODELS`` names one.
DEFAULT_MODELS_DIR = default_models_dir(Path(__file__).resolve().parent)

#: Folders of models/ whose content decides the output (corrections act only through ``train``).
DATA_FOLDERS = ("kb", "rules", "learned")


@dataclass(frozen=True, order=True)
class Problem:
    """One problem of a models file: ``path`` as the folder was named, ``line`` 1-based (0: the whole file)."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


class ModelsError(ValueError):
    """The data of a models folder is malformed. ``problems`` lists every problem found
    (``file:line: problem`` each); raised with a plain message, it has none listed."""

    def __init__(self, problems: Sequence[Problem] | str) -> None:
        self.problems = [] if isinstance(problems, str) else list(problems)
        super().__init__(problems if isinstance(problems, str) else "\n".join(map(str, self.problems)))


class RulesError(ModelsError):
    """A rule file lacks a key or has a value of the wrong shape."""


def models_dir(path: str | Path | None = None) -> Path:
    """The models folder: ``path`` (``--models``), else ``$NAMELINK_MODELS``, else
    :data:`DEFAULT_MODELS_DIR` (the installed package's copy, or the checkout's ``models/``)."""
    if path is not None:
        return Path(path)
    return Path(os.environ.get("NAMELINK_MODELS", DEFAULT_MODELS_DIR))


#: libyaml's loader where PyYAML has it (the checker's too): ten times the pure-Python one's speed.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: str | Path) -> Any:
    """Load a YAML data file (read every time: what is loaded once is kept by
    :func:`pipeline.kb.shared.load_shared`, keyed by the folder's content).
    A missing file or a YAML syntax error is a :class:`ModelsError` naming the file (and line)."""
    path = Path(path)
    if not path.is_file():
        raise ModelsError([Problem(path, 0, "missing data file")])
    parsed = _PARSED.pop(_parse_key(path), None)
    if parsed is not None:
        return parsed
    if path.stat().st_size >= _REMEMBER_BYTES:
        from pipeline.kb.yaml_files import load_long

        return load_long(path)  # a knowledge base of 100,000 people: parsed in chunks, on every core
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_LOADER)
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise ModelsError([yaml_problem(path, err)]) from err


#: Large files the checker has just parsed (:func:`remember_parsed`), taken once by :func:`load_yaml`.
_PARSED: dict[tuple[str, int, int], Any] = {}
_REMEMBER_BYTES = 1 << 20


def _parse_key(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return str(path.resolve()), stat.st_mtime_ns, stat.st_size


def remember_parsed(path: Path, data: Any) -> None:
    """Keep the data of a large file the checker parsed, for the loader that reads it next
    (a knowledge base of 100,000 people is then parsed once, not twice); at most two kept."""
    key = _parse_key(path)
    if key[2] >= _REMEMBER_BYTES:
        while len(_PARSED) >= 2:
            _PARSED.pop(next(iter(_PARSED)))
        _PARSED[key] = data


def yaml_problem(path: Path, err: yaml.YAMLError | UnicodeDecodeError) -> Problem:
    """The :class:`Problem` of a file PyYAML could not read: its line and what it says."""
    if isinstance(err, UnicodeDecodeError):
        return Problem(path, 0, f"not UTF-8 text ({err.reason} at byte {err.start})")
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    what = " ".join(str(getattr(err, "problem", None) or err).split())
    return Problem(path, mark.line + 1 if mark else 0, f"YAML syntax error: {what}")


def ensure_valid(models: str | Path | None = None, complete: bool = False) -> Path:
    """The models folder, once its files are checked (:func:`pipeline.kb.validate.ensure_valid`)."""
    from pipeline.kb.validate import ensure_valid as check

    return check(models, complete)


def rules_path(name: str, models: str | Path | None = None) -> Path:
    """``rules/<name>.yaml``, the general rule file (:func:`language_rules_path` is a language's addition)."""
    return models_dir(models) / "rules" / f"{name}.yaml"


def language_rules_path(name: str, models: str | Path | None = None, lang: str | None = None) -> Path | None:
    """``rules/<lang>/<name>.yaml``, what a language adds to the general file, if there is one."""
    if not lang:
        return None
    path = models_dir(models) / "rules" / lang / f"{name}.yaml"
    return path if path.is_file() else None


def merged_rules(base: dict[str, Any], addition: dict[str, Any]) -> dict[str, Any]:
    """A language's rules over the general ones: a list adds its new items to the general list,
    a mapping merges key by key, any other value replaces the general one. So a language file
    holds only what the language adds (``rules/de/names.yaml``: ``titles: [genosse, ...]``)."""
    out = dict(base)
    for key, value in addition.items():
        old = out.get(key)
        if isinstance(old, list) and isinstance(value, list):
            out[key] = old + [v for v in value if v not in old]
        elif isinstance(old, dict) and isinstance(value, dict):
            out[key] = merged_rules(old, value)
        else:
            out[key] = value
    return out


def _rules_data(name: str, folder: Path, lang: str | None) -> tuple[dict[str, Any], str]:
    """The data of ``rules/<name>.yaml`` with ``rules/<lang>/<name>.yaml`` over it, and where it came from."""
    path = rules_path(name, folder)
    addition = language_rules_path(name, folder, lang)
    if addition is not None and not path.is_file():
        return load_yaml(addition) or {}, str(addition)  # a file only languages have (ru/morphology.yaml)
    data = load_yaml(path) or {}
    if addition is None:
        return data, str(path)
    return merged_rules(data, load_yaml(addition) or {}), f"{path} + {addition}"


def rules(name: str, models: str | Path | None = None, lang: str | None = None) -> dict[str, Any]:
    """Load ``models/rules/<name>.yaml`` with what ``rules/<lang>/`` adds to it, the folder checked first."""
    return _rules_data(name, ensure_valid(models), lang)[0]


def person_label(models: str | Path | None = None) -> str:
    """namelink's label of people (``rules/labels.yaml``: ``person``)."""
    return LabelRules.load(models).person


def hash_files(paths: list[Path]) -> str:
    """A short content hash of data files, for the manifest and re-run checks."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def hash_tree(root: Path, pattern: str = "*", folders: tuple[str, ...] = ("",)) -> str:
    """A short content hash of every file matching ``pattern`` under ``root/<folder>``.

    Kept per process while every file keeps its inode, size and modification time: a loader
    asks for a folder's fingerprint a dozen times, and a knowledge base of a million people
    is 300 MB to read each time. Not kept while a file is younger than :data:`_SETTLED_SECONDS`
    (git's "racy" files): the clock of file times is coarse, and an edit within the same
    tick would keep its time."""
    files = [
        path
        for folder in folders
        for path in sorted((root / folder).rglob(pattern))
        if path.is_file() and "__pycache__" not in path.parts
    ]
    stats = [path.stat() for path in files]
    key = (str(root), tuple((str(p), s.st_ino, s.st_size, s.st_mtime_ns) for p, s in zip(files, stats, strict=True)))
    if key in _TREE_HASHES:
        return _TREE_HASHES[key]
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    settled = time.time() - _SETTLED_SECONDS
    if all(s.st_mtime < settled for s in stats):
        if len(_TREE_HASHES) > 64:
            _TREE_HASHES.clear()
        _TREE_HASHES[key] = digest.hexdigest()[:16]
    return digest.hexdigest()[:16]


_SETTLED_SECONDS = 3.0
_TREE_HASHES: dict[tuple, str] = {}


def models_fingerprint(models: str | Path | None = None) -> str:
    """Content hash of the data of a models folder (kb, rules, learned)."""
    return hash_tree(models_dir(models), "*", DATA_FOLDERS)


# -- typed views -------------------------------------------------------------------------------


class _View:
    """Builds a frozen dataclass from a rule file's mapping, every field without a default required."""

    FILE = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "") -> Any:
        values = {}
        for spec in fields(cls):  # type: ignore[arg-type]
            if spec.name not in data and spec.default is not MISSING:
                continue  # a key added later: a models folder copied before it still loads
            if spec.name not in data:
                raise RulesError(f"{source or cls.FILE}: missing key {spec.name!r}")
            values[spec.name] = _frozen(data[spec.name])
        return cls(**values)

    @classmethod
    def load(cls, models: str | Path | None = None, lang: str | None = None) -> Any:
        data, source = _rules_data(cls.FILE, ensure_valid(models), lang)
        return cls.from_dict(data, source)


class FrozenMap(dict):
    """A read-only, hashable mapping: every component shares one view, so none may edit it."""

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items(), key=repr)))

    def _read_only(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("rule views are read-only: edit the YAML file instead")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _read_only  # type: ignore[assignment]


def _frozen(value: Any) -> Any:
    """Lists as tuples and mappings as :class:`FrozenMap`, so a view is hashable and never edited in place."""
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return FrozenMap({k: _frozen(v) for k, v in value.items()})
    return value


@dataclass(frozen=True)
class PetNameRules(_View):
    """``rules/names.yaml: pet_names``: how Russian pet names are built from a name's stem."""

    FILE = "names"
    stem_rules: tuple[tuple[str, str], ...]
    suffixes: tuple[str, ...]
    min_stem_letters: int
    english_word_min_count: float


@dataclass(frozen=True)
class NameRules(_View):
    """``rules/names.yaml``: how names are written (see the comments in the file)."""

    FILE = "names"
    skeleton_rules: tuple[tuple[str, str], ...]
    patronymic_suffixes: tuple[str, ...]
    surname_suffixes: dict[str, tuple[str, ...]]
    strong_surname_suffixes: tuple[str, ...]
    titles: tuple[str, ...]
    personal_honorifics: tuple[str, ...]
    surname_titles: tuple[str, ...]
    female_titles: tuple[str, ...]
    male_titles: tuple[str, ...]
    institution_words: tuple[str, ...]
    institution_of_words: tuple[str, ...]
    derived_suffixes: tuple[str, ...]
    group_words: tuple[str, ...]
    endearments: tuple[str, ...]
    work_title_cues: tuple[str, ...]
    place_name_endings: tuple[tuple[str, str], ...]
    place_endings_after_surname: tuple[str, ...]
    family_determiners: tuple[str, ...]
    family_articles: tuple[str, ...]
    surname_joiners: tuple[str, ...]
    letter_titles: dict[str, tuple[str, ...]]
    ocr_confusions: tuple[tuple[str, str], ...]
    ocr_min_letters: int
    ocr_max_digit_run: int
    given_name_equivalents: tuple[tuple[str, ...], ...]
    feminine_endings: tuple[str, ...]
    alias_surname_min_letters: int
    plural_min_letters: int
    kinship_words: tuple[str, ...]
    pet_names: PetNameRules
    letter_title_languages: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "") -> Any:
        """The view, with the ``pet_names`` section as a :class:`PetNameRules` of its own."""
        if isinstance(data.get("pet_names"), dict):
            where = f"{source or cls.FILE}: pet_names"
            data = {**data, "pet_names": PetNameRules.from_dict(data["pet_names"], where)}
        return super().from_dict(data, source)


@dataclass(frozen=True)
class LinkingRules(_View):
    """``rules/linking.yaml``: the linker's scores and distances."""

    FILE = "linking"
    method_scores: dict[str, float]
    ambiguous_factor: float
    context_scores: dict[str, float]
    prior_scale: float
    prior_share_weight: float
    nil_scores: dict[str, float]
    other_scores: dict[str, float]
    other_leading_words: tuple[str, ...]
    context_chars: int
    fuzzy_min_letters: int
    ocr_similarity: float
    max_ocr_repairs: int
    ocr_letter_min_letters: int
    relation_inverses: dict[str, str]
    relation_paths: dict[str, tuple[str, ...]]
    relation_weights: dict[str, float]
    kin_words: dict[str, str]
    kin_window: int
    kin_stop_words: tuple[str, ...]
    same_person_markers: tuple[str, ...]
    cue_scores: dict[str, float]
    life_years_tokens: int
    title_relations: tuple[str, ...]
    fuzzy_two_deletion_letters: int = 6
    fuzzy_max_block: int = 1000
    candidate_limit: int = 100


@dataclass(frozen=True)
class LabelRules(_View):
    """``rules/labels.yaml``: namelink's label names and the model labels mapped onto them."""

    FILE = "labels"
    person: str
    model_labels: dict[str, str]
    linked: tuple[str, ...]
    places: tuple[str, ...]
    groups: tuple[str, ...]
    never_people: tuple[str, ...]
    kb_default: str
    other_labels: tuple[str, ...] = ()

    def of_model(self, label: str) -> str:
        """namelink's name for a label of the spaCy model (``PER`` -> ``PERSON``)."""
        return self.model_labels.get(label, label)

    def known(self) -> frozenset[str]:
        """Every label namelink gives a span: those the rules above name and ``other_labels``
        (what ``review import`` accepts on a reviewed span)."""
        named = {self.person, self.kb_default, *self.model_labels.values(), *self.linked, *self.places}
        return frozenset(named | {*self.groups, *self.never_people, *self.other_labels})


@dataclass(frozen=True)
class MorphologyRules(_View):
    """``rules/ru/morphology.yaml``: reading Russian names in Cyrillic (see the comments in the file).

    A language-only file (no ``rules/morphology.yaml``): :meth:`for_cyrillic` reads the Russian
    one whatever pipeline reads the document, since the script decides; a models folder
    without it gives :meth:`empty` (no romanisations, no cues)."""

    FILE = "morphology"
    LANGUAGE = "ru"
    romanisations: tuple[str, ...]
    name_tags: tuple[str, ...]
    sure_name_score: float
    genitive_prepositions: tuple[str, ...]
    noun_governs_genitive: bool
    person_cues: tuple[str, ...]
    closed_pos: tuple[str, ...]
    edge_pos: tuple[str, ...]

    @classmethod
    def for_cyrillic(cls, models: str | Path | None = None) -> MorphologyRules:
        """The Russian file of ``models`` (checked), else :meth:`empty`."""
        path = language_rules_path(cls.FILE, models_dir(models), cls.LANGUAGE)
        return cls.load(models, cls.LANGUAGE) if path is not None else cls.empty()

    @classmethod
    def empty(cls) -> MorphologyRules:
        """No romanisations and no cues: names read as pymorphy3 tags them, nothing more."""
        return cls((), ("Name", "Surn", "Patr"), 0.5, (), False, (), (), ())


@dataclass(frozen=True)
class LanguageRules(_View):
    """``rules/languages.yaml``: telling a document's language, and each language's spaCy pipeline."""

    FILE = "languages"
    default: str
    detect: tuple[str, ...]
    min_confidence: float
    sample_chars: int
    pipelines: dict[str, str]
    segment_chars: int = 0


@dataclass(frozen=True)
class RecogniseRules(_View):
    """``rules/recognise.yaml``: the recogniser's word lists and thresholds (see the comments in the file)."""

    FILE = "recognise"
    particles: tuple[str, ...]
    max_particles: int
    governing_articles: tuple[str, ...]
    coordinators: tuple[str, ...]
    trim: tuple[str, ...]
    leading_articles: tuple[str, ...]
    articles: tuple[str, ...]
    possessives: tuple[str, ...]
    of_words: tuple[str, ...]
    plural_ending: str
    genitive_endings: tuple[str, ...]
    genitive_min_stem: int
    demonym_endings: tuple[str, ...]
    demonym_place_endings: tuple[str, ...]
    common_count: float
    rare_count: float
    truecase_min_words: int
    truecase_sentence_ends: tuple[str, ...]
    not_name_pos: tuple[str, ...]
    edge_pos: tuple[str, ...]
    name_word_pos: tuple[str, ...]
    stemless_derived_suffixes: tuple[str, ...]
    damaged_name_min_chars: int
    strong_surname_min_chars: int
    patronymic_min_chars: int
    headline_min_chars: int
    short_variant_min_chars: int
    exact_only_key_letters: int
    max_name_words: int
    match_extra_tokens: int
    evidence_titles: tuple[str, ...]
    repeated_person_min: int
    place_gazetteers: tuple[str, ...]
    place_min_population: int
    place_label: str
    territorial_titles: tuple[str, ...]
    wrapped_line_min_share: float
    ocr_confusion_min_chars: int
    inverted_surname_words: int
    inverted_given_words: int
    inverted_name_ends: tuple[str, ...]
    inverted_not_gloss_pos: tuple[str, ...]
    relabel_as_person: tuple[str, ...]
    given_name_relabel: tuple[str, ...]
    given_name_relabel_max_count: float
    garbled_max_letters: int
    date_words: tuple[str, ...]
    initials_alone_min_prominence: float
    eponym_heads: tuple[str, ...]
    ship_words: tuple[str, ...]
    street_prefixes: tuple[str, ...]
    place_prefixes: tuple[str, ...]
    place_nouns: tuple[str, ...]
    work_nouns: tuple[str, ...]
    place_cues: tuple[str, ...]
    rename_verbs: tuple[str, ...]
    passive_rename_verbs: tuple[str, ...]
    rename_adverbs: tuple[str, ...]
    rename_auxiliaries: tuple[str, ...]
    locative_prepositions: tuple[str, ...]
    year_lead_words: tuple[str, ...]
    bare_article_thing: bool
    bare_article_ends: tuple[str, ...]
    citation_leads: tuple[str, ...]
    contributor_cues: tuple[str, ...]
    author_joiners: tuple[str, ...]
    imprint_joiners: tuple[str, ...]
    imprint_max_tokens: int
    citation_max_tokens: int
    title_verb_min_count: float
    title_joiners: tuple[str, ...]
    place_of_words: tuple[str, ...]
    thing_pronouns: tuple[str, ...]
    contributor_glue: tuple[str, ...]
    line_name_max_words: int
    line_not_name_pos: tuple[str, ...]
    line_cues_strong: tuple[str, ...]
    line_cues: tuple[str, ...]
    closing_words: tuple[str, ...]
    closing_glue: tuple[str, ...]
    closing_line_max_words: int
    sign_off_next_line_max_words: int
    role_nouns: tuple[str, ...]
    relative_words: tuple[str, ...]
    role_gap_max: int
    role_max_modifiers: int
    apposition_openers: tuple[str, ...]
    apposition_max_count: float
    eponym_heads_before: tuple[str, ...] = ()
    eponym_heads_after_hyphen: tuple[str, ...] = ()
    untagged_name_max_zipf: float = 0.0
    title_surname_max_zipf: float = 0.0
