"""Every file of a models folder checked against its schema, each problem with its file and line.

:func:`check_models` reads a models folder (``kb/*.yaml``, ``rules/*.yaml`` and
``rules/<lang>/*.yaml``, ``learned/*.yaml``, the word lists ``rules/*.txt``) and
returns every :class:`~pipeline.resources.Problem` it finds, not only the
first: YAML syntax errors, a key written twice in one mapping, unknown keys
(``alliases``), a value of the wrong type (``prominence: very high``, a list
as ``canonical``, an integer ``id``, a string where a list belongs:
``aliases: Starik, Pero``), missing required keys, duplicate ids, an empty
knowledge base, unknown labels and relation kinds, ``related`` ids that are
no person. Lines are the YAML nodes' (PyYAML's ``compose``).

The schemas are pydantic models with ``extra="forbid"`` and strict scalars
(no string read as a number, no number as a string). Those of the rule files
``names``, ``linking``, ``labels`` and ``recognise`` are derived from their
typed views (:mod:`pipeline.resources`), so a field added to a view is checked
too; the knowledge base's, the learned layer's and ``cleaning.yaml``'s are
written here.

:func:`ensure_valid` is the gate every loader of a models folder goes
through (:func:`pipeline.resources.rules`, the views' ``load``,
:meth:`pipeline.kb.KnowledgeBase.load`, :func:`pipeline.kb.learned.load_learned`,
:func:`pipeline.batch.run_batch`): it raises :class:`~pipeline.resources.ModelsError`
with every problem, once per folder content. ``namelink check-models`` prints them.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import re
import typing
from pathlib import Path
from threading import Lock
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)
from pydantic import create_model as _create_model
from yaml.nodes import Node, SequenceNode

from pipeline.clean.config import HardWrapPolicy, TablePolicy, TeaserPolicy
from pipeline.kb.compiled import validated_mark
from pipeline.kb.yaml_files import YamlFile as _File
from pipeline.kb.yaml_files import node_at, read_list, read_yaml
from pipeline.resources import (
    LabelRules,
    LanguageRules,
    LinkingRules,
    ModelsError,
    MorphologyRules,
    NameRules,
    Problem,
    RecogniseRules,
    merged_rules,
    models_dir,
    models_fingerprint,
    remember_parsed,
)

KB_PERSONS, KB_OTHERS = "persons.yaml", ("places.yaml", "organisations.yaml")
LEARNED_FILES = ("aliases.yaml", "persons.yaml", "negative.yaml")
#: Word lists of ``rules/``: the first must be there, the others may be left out.
REQUIRED_LISTS, OPTIONAL_LISTS = (
    ("given_names.txt",),
    ("given_names_census.txt", "surnames_census.txt", "word_case.txt"),
)
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # for summary()


# -- value types ---------------------------------------------------------------------------------


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("expected some text, got an empty string")
    return value


def _slug(value: str) -> str:
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", value):
        raise ValueError(f"expected a lower-case slug (letters, digits and single hyphens), got {value!r}")
    return value


def _wikidata(value: str) -> str:
    if not re.fullmatch(r"Q[1-9][0-9]*", value):
        raise ValueError(f"expected a Wikidata id (Q and digits, e.g. Q33391), got {value!r}")
    return value


def _pattern(value: str) -> str:
    try:
        re.compile(value)
    except re.error as err:
        raise ValueError(f"not a valid regular expression ({err}): {value!r}") from None
    return value


def _one_name_as_list(value: Any) -> Any:
    """A name list may be one name written alone (``given: Lev``, as the loader reads it), but a
    string with a comma or semicolon is several names the loader would take for one."""
    if isinstance(value, str) and re.search(r"[,;]", value):
        items = ", ".join(part.strip() for part in re.split(r"[,;]", value))
        raise ValueError(
            f"expected a list, got the string {value!r}, which the loader would read as one name: "
            f"write [{items}] (or one `- item` per line; quote a name that has a comma of its own)"
        )
    return [value] if isinstance(value, str) else value


Text = Annotated[StrictStr, AfterValidator(_not_blank)]
#: A list of names: a list, or one name alone (never ``Starik, Pero``).
Names = Annotated[list[Text], BeforeValidator(_one_name_as_list)]
Id = Annotated[StrictStr, AfterValidator(_slug)]
Number = Annotated[float, Field(strict=True)]  # an int or a float, never a string or a boolean
Pattern = Annotated[StrictStr, AfterValidator(_pattern)]


class _Strict(BaseModel):
    """A mapping with exactly these keys: an unknown one is an error (``alliases``)."""

    model_config = ConfigDict(extra="forbid")


# -- the knowledge base and the learned layer ----------------------------------------------------


class _Entry(_Strict):
    id: Id
    canonical: Text
    wikidata: Annotated[StrictStr, AfterValidator(_wikidata)] = ""
    description: StrictStr = ""
    aliases: Names = []
    source: StrictStr = ""


class PersonEntry(_Entry):
    """An entry of ``kb/persons.yaml`` or ``learned/persons.yaml`` (schema at the top of the file)."""

    sex: Literal["M", "F"] = None  # type: ignore[assignment]  # (defaults are never used: only checked)
    born: StrictInt = None  # type: ignore[assignment]
    died: StrictInt = None  # type: ignore[assignment]
    given: Names = []
    patronymic: Names = []
    surname: Names = []
    diminutives: Names = []
    related: dict[StrictStr, Annotated[list[Id], BeforeValidator(_one_name_as_list)]] = {}
    prominence: Annotated[Number, Field(ge=0)] = 1.0


class OtherEntry(_Entry):
    """An entry of ``kb/places.yaml`` or ``kb/organisations.yaml``."""

    label: Text = ""


class _NotEntity(_Strict):
    text: Text
    label: Text


class _NotLink(_Strict):
    text: Text
    entity_id: StrictStr


class NegativeRules(_Strict):
    """``learned/negative.yaml``."""

    not_entities: list[_NotEntity] = []
    not_links: list[_NotLink] = []


LearnedAliases = dict[StrictStr, Names]


# -- the rule files --------------------------------------------------------------------------------


def _strict_type(hint: Any) -> Any:
    """The pydantic type checking a YAML value for a view's field type (tuples are YAML lists)."""
    if hint is str:
        return StrictStr
    if hint is int:
        return StrictInt
    if hint is float:
        return Number
    if hint is bool:
        return StrictBool
    if dataclasses.is_dataclass(hint):
        return schema_of(hint)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return list[_strict_type(args[0])]  # type: ignore[misc]
    if origin is tuple:
        return tuple[tuple(_strict_type(a) for a in args)]  # type: ignore[misc]
    if origin in (frozenset, set, list):
        return list[_strict_type(args[0])]  # type: ignore[misc]
    if origin is dict:
        return dict[_strict_type(args[0]), _strict_type(args[1])]  # type: ignore[misc]
    return hint


_SCHEMAS: dict[type, type[BaseModel]] = {}


def schema_of(view: type) -> type[BaseModel]:
    """A pydantic model of a typed view (a dataclass): every field without a default required
    (a field with one may be left out: older copies of ``models/`` lack it), no other key allowed."""
    if view not in _SCHEMAS:
        hints = typing.get_type_hints(view)
        fields = {f.name: (_strict_type(hints[f.name]), _required_or_default(f)) for f in dataclasses.fields(view)}
        _SCHEMAS[view] = _create_model(view.__name__ + "Schema", __base__=_Strict, **fields)
    return _SCHEMAS[view]


def _required_or_default(field: dataclasses.Field) -> Any:
    if field.default is not dataclasses.MISSING:
        return field.default
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return ...


class _NameShape(_Strict):
    menu_words: list[StrictStr]
    common_count: Number


class _Segmentation(_Strict):
    """``segmentation:`` of cleaning.yaml, as :class:`pipeline.clean.glue.GlueSplitter` reads it."""

    min_length: StrictInt
    common_count: Number
    rare_count: Number
    common_below: StrictInt
    min_piece_length: StrictInt
    min_stem: StrictInt
    name_count_factor: Number
    short_words: list[StrictStr]
    prefixes: list[StrictStr]
    suffixes: list[StrictStr]
    camel_prefixes: list[StrictStr]
    camel_words: list[StrictStr]


class CleaningRules(_Strict):
    """``rules/cleaning.yaml``, as :meth:`pipeline.clean.config.CleanConfig.from_rules` reads it."""

    steps: list[StrictStr]
    social_words: list[StrictStr]
    breadcrumb_separators: list[StrictStr]
    breadcrumb_min_separators: StrictInt
    breadcrumb_max_words_per_segment: StrictInt
    footer_patterns: list[Pattern]
    date_line: Pattern
    citation_pattern: Pattern
    keep_hyphen_prefixes: list[StrictStr]
    teasers: schema_of(TeaserPolicy)  # type: ignore[valid-type]
    tables: schema_of(TablePolicy)  # type: ignore[valid-type]
    name_shape: _NameShape
    hard_wrap: schema_of(HardWrapPolicy)  # type: ignore[valid-type]
    segmentation: _Segmentation
    letter_forms: dict[Annotated[StrictStr, StringConstraints(min_length=1, max_length=1)], StrictStr] = {}


#: Rule files only a language folder has (``rules/<lang>/<name>.yaml``): not missing from ``rules/``.
LANGUAGE_ONLY_RULES = frozenset({"morphology"})
#: Rule file name (``rules/<name>.yaml``, or ``rules/<lang>/<name>.yaml``) -> its schema.
RULE_SCHEMAS: dict[str, type[BaseModel]] = {
    "cleaning": CleaningRules,
    "labels": schema_of(LabelRules),
    "languages": schema_of(LanguageRules),
    "linking": schema_of(LinkingRules),
    "morphology": schema_of(MorphologyRules),
    "names": schema_of(NameRules),
    "recognise": schema_of(RecogniseRules),
}


_PARTIAL: dict[str, type[BaseModel]] = {}


def language_schema(name: str) -> type[BaseModel]:
    """The schema of ``rules/<lang>/<name>.yaml``: the general file's keys and types, every key
    optional (a language file holds only what it adds), no other key allowed."""
    if name not in _PARTIAL:
        full = RULE_SCHEMAS[name]
        fields = {k: (f.annotation | None, None) for k, f in full.model_fields.items()}
        _PARTIAL[name] = _create_model(full.__name__ + "Addition", __base__=_Strict, **fields)
    return _PARTIAL[name]


# -- messages --------------------------------------------------------------------------------------


def describe(value: Any) -> str:
    """A value as a message names it: ``the string 'Starik, Pero'``, ``the number 42``, ``a list``."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (YAML reads unquoted yes/no/on/off as true/false: quote the word)"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


_EXPECTED = {
    "string_type": "a string",
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list (`[a, b]` or one `- item` per line)",
    "tuple_type": "a list (`[a, b]` or one `- item` per line)",
    "dict_type": "a mapping (`key: value` lines)",
    "model_type": "a mapping (`key: value` lines)",
    "model_attributes_type": "a mapping (`key: value` lines)",
}


def _where(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if part == "[key]":
            continue
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _message(error: dict[str, Any], model: Any) -> str:
    """One pydantic error in our words, its place in the file first (``aliases: expected a list ...``)."""
    kind, loc = error["type"], tuple(error["loc"])
    where = _where(loc)
    if kind == "extra_forbidden":
        parent = _where(loc[:-1])
        known = _known_keys(model, loc[:-1])
        guess = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f" (did you mean {guess[0]!r}?)" if guess else (f" (known: {', '.join(known)})" if known else "")
        return f"{parent + ': ' if parent else ''}unknown key {loc[-1]!r}{hint}"
    if kind == "missing":
        parent = _where(loc[:-1])
        return f"{parent + ': ' if parent else ''}missing key {loc[-1]!r}"
    if "[key]" in loc:
        where = f"{where}: the key {loc[loc.index('[key]') - 1]!r}"
    if kind in _EXPECTED:
        text = f"expected {_EXPECTED[kind]}, got {describe(error['input'])}"
    elif kind == "value_error":
        text = str(error["ctx"]["error"])
    else:
        text = f"{error['msg']}, got {describe(error['input'])}"
    return f"{where}: {text}" if where else text


def _known_keys(model: Any, loc: tuple[Any, ...]) -> list[str]:
    """The keys the schema allows at ``loc`` (for a hint after an unknown key)."""
    for part in loc:
        if isinstance(part, int) or not (isinstance(model, type) and issubclass(model, BaseModel)):
            continue
        info = model.model_fields.get(str(part))
        model = info.annotation if info else None
        while typing.get_origin(model) in (list, typing.Annotated):
            model = typing.get_args(model)[0]
    if isinstance(model, type) and issubclass(model, BaseModel):
        return sorted(model.model_fields)
    return []


def validate(file: _File, schema: Any, data: Any, node: Node | None, prefix: str = "") -> Any:
    """``data`` checked against ``schema`` (a model or a type); each error becomes a problem of
    ``file`` at its node's line. Returns the validated value, or None when there were errors."""
    try:
        if isinstance(schema, type) and issubclass(schema, BaseModel):
            return schema.model_validate(data)
        return TypeAdapter(schema).validate_python(data)
    except ValidationError as err:
        for error in err.errors(include_url=False):
            loc = tuple(error["loc"])
            where = node_at(node, loc[:-1], key=True) if error["type"] == "missing" else node_at(node, loc)
            file.problem(where, prefix + _message(error, schema))
        return None


# -- the folder ------------------------------------------------------------------------------------


@dataclasses.dataclass
class _Entries:
    """Entries of knowledge-base files: (file, index in the file, entry, whether a person) of each mapping."""

    items: list[tuple[_File, int, dict[str, Any], bool]] = dataclasses.field(default_factory=list)

    def ids(self, persons_only: bool = False) -> set[str]:
        return {e["id"] for _, _, e, is_person in self.items if (is_person or not persons_only) and _has_id(e)}


def _has_id(entry: Any) -> bool:
    return isinstance(entry, dict) and isinstance(entry.get("id"), str)


def check_models(folder: str | Path, complete: bool = True) -> list[Problem]:
    """Every problem of the models folder ``folder``, sorted by file and line.

    complete (bool): Also report the required files that are missing (``kb/persons.yaml``,
        the five rule files, ``rules/given_names.txt``); False checks only the files there.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return [Problem(folder, 0, "no such models folder")]
    problems: list[Problem] = []
    files: list[_File] = []
    rules = _check_rules(folder, files, problems, complete)
    kb, learned = _Entries(), _Entries()
    _check_kb(folder, files, problems, complete, kb)
    _check_learned(folder, files, learned)
    _check_ids(kb, learned)
    for labels, linking in rules:
        _check_labels(kb, labels)
        _check_relations(kb, learned, linking)
    _check_word_lists(folder, problems, complete)
    for file in files:
        problems += file.problems
    return sorted(set(problems), key=lambda p: (str(p.path), p.line, p.message))


def _check_rules(folder: Path, files: list[_File], problems: list[Problem], complete: bool) -> list[tuple[Any, Any]]:
    """Check every rule file (``rules/`` and each ``rules/<lang>/``); return, per language, its
    labels (the file and its valid data) and linking rules (the valid data), for the cross checks."""
    base = folder / "rules"
    languages = [base] + sorted(p for p in base.iterdir() if p.is_dir()) if base.is_dir() else []
    valid: dict[tuple[Path, str], tuple[_File, Any]] = {}
    for where in languages:
        for path in sorted(where.glob("*.yaml")) + sorted(where.glob("*.yml")):
            if path.stem not in RULE_SCHEMAS or path.suffix != ".yaml":
                known = ", ".join(f"{n}.yaml" for n in RULE_SCHEMAS)
                problems.append(Problem(path, 0, f"unknown rule file: namelink reads {known}"))
                continue
            file = read_yaml(path)
            files.append(file)
            if not file.ok:
                continue
            checked = _checked_rules(file, path.stem, where != base, valid.get((base, path.stem)))
            if checked is not None:
                valid[(where, path.stem)] = (file, checked)
                if path.stem == "linking":
                    _check_relation_kinds(file)
    if complete:
        problems += [
            Problem(base / f"{name}.yaml", 0, "missing rule file")
            for name in RULE_SCHEMAS
            if name not in LANGUAGE_ONLY_RULES and not (base / f"{name}.yaml").is_file()
        ]
    pairs = []
    for where in languages:
        labels = valid.get((where, "labels"), valid.get((base, "labels")))
        linking = valid.get((where, "linking"), valid.get((base, "linking")))
        pairs.append((labels, linking[1] if linking else None))
    return pairs


def _checked_rules(file: _File, name: str, addition: bool, general: tuple[_File, Any] | None) -> Any:
    """A rule file's valid data, or None. A language's file is checked on its own (every key
    optional), then merged over the general file's data as namelink reads it
    (:func:`pipeline.resources.merged_rules`) and checked again in full."""
    data = {} if file.data is None else file.data
    if not addition or name in LANGUAGE_ONLY_RULES:
        return validate(file, RULE_SCHEMAS[name], data, file.node)  # a whole file of its own
    if validate(file, language_schema(name), data, file.node) is None or general is None:
        return None
    general_file = general[0]
    merged = merged_rules(general_file.data or {}, data) if isinstance(data, dict) else data
    return validate(file, RULE_SCHEMAS[name], merged, file.node)


def _check_relation_kinds(file: _File) -> None:
    """linking.yaml: every kind used as an inverse or in a path has an inverse; a path is two kinds."""
    inverses, paths = file.data["relation_inverses"], file.data["relation_paths"]
    for kind, inverse in inverses.items():
        if inverse not in inverses:
            file.problem(
                node_at(file.node, ("relation_inverses", kind)),
                f"relation_inverses.{kind}: {inverse!r} has no inverse of its own",
            )
    for kind, path in paths.items():
        where = node_at(file.node, ("relation_paths", kind))
        if len(path) != 2:
            file.problem(
                where,
                f"relation_paths.{kind}: expected two kinds (the first relation, then the second), got {len(path)}",
            )
        if kind not in inverses:
            file.problem(where, f"relation_paths.{kind}: the derived kind has no inverse in relation_inverses")
        for step in path:
            if step not in inverses:
                file.problem(where, f"relation_paths.{kind}: unknown relation kind {step!r}")


def _check_kb(folder: Path, files: list[_File], problems: list[Problem], complete: bool, kb: _Entries) -> None:
    base = folder / "kb"
    known = (KB_PERSONS, *KB_OTHERS)
    for path in sorted(base.glob("*.yaml")) + sorted(base.glob("*.yml")) if base.is_dir() else []:
        if path.name not in known:
            problems.append(Problem(path, 0, f"unknown knowledge base file: namelink reads {', '.join(known)}"))
    if complete and not (base / KB_PERSONS).is_file():
        problems.append(Problem(base / KB_PERSONS, 0, "missing: the knowledge base has no persons file"))
    for name in known:
        if (base / name).is_file():
            is_person = name == KB_PERSONS
            file = read_list(base / name, _check_person if is_person else _check_other)
            files.append(file)
            if not file.unreadable:
                _keep_entries(file, is_person, kb, required=True)
            if file.ok:
                remember_parsed(base / name, file.data)


def _check_person(file: _File, index: int, entry: Any, node: Node) -> None:
    """One entry of a persons file against its schema (run by :func:`read_list`, maybe in a worker)."""
    _check_entry(file, index, entry, node, PersonEntry)


def _check_other(file: _File, index: int, entry: Any, node: Node) -> None:
    """One entry of a places or organisations file against its schema."""
    _check_entry(file, index, entry, node, OtherEntry)


def _check_entry(file: _File, index: int, entry: Any, node: Node, schema: type[BaseModel]) -> None:
    prefix = f"{entry['id']}: " if _has_id(entry) else f"entry {index + 1}: "
    validate(file, schema, entry, node, prefix)


def _keep_entries(file: _File, is_person: bool, into: _Entries, required: bool) -> None:
    """A list of entries (each checked by :func:`read_list`), kept for the cross checks."""
    if file.data is None or file.data == []:
        if required:
            what = "every person would be NIL" if is_person else "delete the file if there are none"
            file.problem(file.node, f"no entries ({what})")
        return
    if not isinstance(file.data, list) or not (file.chunks or isinstance(file.node, SequenceNode)):
        file.problem(file.node, f"expected a list of entries (`- id: ...`), got {describe(file.data)}")
        return
    into.items.extend(
        (file, index, entry, is_person) for index, entry in enumerate(file.data) if isinstance(entry, dict)
    )


def _check_learned(folder: Path, files: list[_File], learned: _Entries) -> None:
    base = folder / "learned"
    for name, schema in zip(LEARNED_FILES, (LearnedAliases, None, NegativeRules), strict=True):
        if not (base / name).is_file():
            continue
        file = read_list(base / name, _check_person) if schema is None else read_yaml(base / name)
        files.append(file)
        if not file.ok:
            continue
        if schema is None:
            _keep_entries(file, True, learned, required=False)
        elif file.data is not None:
            validate(file, schema, file.data, file.node)


def _check_ids(kb: _Entries, learned: _Entries) -> None:
    """An id is one entry's across the knowledge-base files, and one entry's among the learned persons."""
    for entries in (kb, learned):
        first: dict[str, tuple[_File, int]] = {}
        for file, index, entry, _ in entries.items:
            if not _has_id(entry):
                continue
            if entry["id"] in first:
                other, at = first[entry["id"]]
                where = other.item_node(at)
                line = where.start_mark.line + 1 if where is not None else 1
                file.problem(file.item_node(index), f"duplicate id {entry['id']!r} (first at {other.path}:{line})")
            else:
                first[entry["id"]] = (file, index)


def _check_labels(kb: _Entries, labels: tuple[_File, Any] | None) -> None:
    """The person label and the label of every place and organisation are labels.yaml's ``linked``."""
    if labels is None:
        return
    labels_file, rules = labels
    if any(is_person for *_, is_person in kb.items) and rules.person not in rules.linked:
        labels_file.problem(
            node_at(labels_file.node, ("person",)), f"person: {rules.person!r} is not one of linked, so no person links"
        )
    for file, index, entry, is_person in kb.items:
        label = entry.get("label", rules.kb_default)
        if is_person or not isinstance(label, str):
            continue
        if label not in rules.linked or label == rules.person:
            node = file.item_node(index)
            allowed = ", ".join(x for x in rules.linked if x != rules.person)
            where = node_at(node, ("label",)) if "label" in entry else node
            name = entry["id"] if _has_id(entry) else "entry"
            file.problem(where, f"{name}: unknown label {label!r} (rules/labels.yaml linked: {allowed})")


def _check_relations(kb: _Entries, learned: _Entries, linking: Any) -> None:
    """Every ``related`` kind is one of linking.yaml's ``relation_inverses``, every id another person's."""
    persons = kb.ids(persons_only=True) | learned.ids(persons_only=True)
    kinds = set(linking.relation_inverses) if linking is not None else None
    for file, number, entry, _ in kb.items + learned.items:
        related = entry.get("related")
        if not isinstance(related, dict):
            continue
        name = entry["id"] if _has_id(entry) else "entry"

        def problem(loc: tuple[Any, ...], message: str) -> None:
            file.problem(node_at(file.item_node(number), loc), message)  # noqa: B023 - called at once

        for kind, ids in related.items():
            if kinds is not None and kind not in kinds:
                known = ", ".join(sorted(kinds))
                problem(
                    ("related", kind, "[key]"),
                    f"{name}: unknown relation kind {kind!r} (rules/linking.yaml relation_inverses: {known})",
                )
            for index, other in enumerate([ids] if isinstance(ids, str) else ids if isinstance(ids, list) else []):
                if not isinstance(other, str):
                    continue
                where = ("related", kind) if isinstance(ids, str) else ("related", kind, index)
                if other == entry.get("id"):
                    problem(where, f"{name}: related.{kind} names the entry itself")
                elif other not in persons:
                    problem(where, f"{name}: related.{kind}: {other!r} is not a person of the knowledge base")


def _check_word_lists(folder: Path, problems: list[Problem], complete: bool) -> None:
    """The word lists of ``rules/`` are UTF-8 text; ``given_names.txt`` must be there."""
    base = folder / "rules"
    for name in REQUIRED_LISTS + OPTIONAL_LISTS:
        path = base / name
        if not path.is_file():
            if complete and name in REQUIRED_LISTS:
                problems.append(Problem(path, 0, "missing word list"))
            continue
        data = path.read_bytes()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as err:
            problems.append(Problem(path, data[: err.start].count(b"\n") + 1, f"not UTF-8 text ({err.reason})"))


# -- the gate --------------------------------------------------------------------------------------

_CHECKED: set[tuple[str, str, bool]] = set()
_LOCK = Lock()


def ensure_valid(models: str | Path | None = None, complete: bool = False) -> Path:
    """The models folder (``models``, else ``$NAMELINK_MODELS``, else the project's), once
    :func:`check_models` found no problem in it; checked once per folder content.

    RAISES (ModelsError): With every problem found.
    """
    folder = models_dir(models)
    try:
        key = (str(folder.resolve()), models_fingerprint(folder))
    except OSError:
        return folder  # unreadable: the loader that needs a file says which
    with _LOCK:
        if (*key, True) in _CHECKED or (*key, complete) in _CHECKED:
            return folder
    marks = [validated_mark(folder, key[1], c, _CHECKER) for c in {complete, True}]
    if not any(mark.is_file() for mark in marks):
        problems = check_models(folder, complete)
        if problems:
            raise ModelsError(problems)
        _mark(marks[0])
    with _LOCK:
        _CHECKED.add((*key, complete))
    return folder


def _mark(path: Path) -> None:
    """Note that a folder content passed (best effort: a folder we cannot write is checked again)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("checked by namelink check-models\n", encoding="utf-8")
    except OSError:
        pass


#: The checker's own code: a mark of an older checker is not taken.
_CHECKER = hashlib.sha256(
    b"".join((Path(__file__).parent / name).read_bytes() for name in ("validate.py", "yaml_files.py"))
).hexdigest()[:16]


# -- a summary -------------------------------------------------------------------------------------


def summary(folder: str | Path) -> str:
    """What a valid models folder holds: ``262 persons, 84 places, 66 organisations; 5 rule files; ...``."""
    folder = Path(folder)

    def read(*parts: str) -> Any:
        path = folder.joinpath(*parts)
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) if path.is_file() else None

    def size(value: Any) -> int:
        return len(value) if isinstance(value, list | dict) else 0

    kb = ", ".join(f"{size(read('kb', name))} {Path(name).stem}" for name in (KB_PERSONS, *KB_OTHERS))
    rule_files = len(list((folder / "rules").rglob("*.yaml")))
    aliases = sum(size(v) if isinstance(v, list) else 1 for v in (read("learned", "aliases.yaml") or {}).values())
    negative = sum(size(v) for v in (read("learned", "negative.yaml") or {}).values())
    persons = size(read("learned", "persons.yaml"))
    return f"{kb}; {rule_files} rule files; learned: {aliases} aliases, {persons} persons, {negative} negative rules"
