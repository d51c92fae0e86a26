"""Name forms: every way a text may write an entry's name, generated from its parts.

A person entry lists name parts (given names, patronymics, surnames,
diminutives) and free aliases; :func:`person_forms` generates the forms a text
may use (``Lev Davidovich``, ``L. D.``, ``L. D. Trotsky``, ``Bronstein``...),
each with a *kind* (:data:`~pipeline.kb.entries.FULL`, ``ALIAS``, ``SHORT``)
that tells the linker how much the form alone says.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pipeline.kb.entries import ALIAS, FULL, SHORT, NameForm, strings
from pipeline.kb.keys import fold

_KIND_RANK = {FULL: 0, ALIAS: 1, SHORT: 2}


def translations(groups: Iterable[Iterable[str]]) -> dict[str, list[str]]:
    """Folded given name -> the other members of its group (Lev -> Leo, Leon)."""
    out: dict[str, list[str]] = {}
    for group in groups:
        names = [str(n) for n in group]
        for name in names:
            out.setdefault(fold(name), []).extend(n for n in names if fold(n) != fold(name))
    return out


def person_forms(entry: dict[str, Any], translated: dict[str, list[str]] | None = None) -> list[NameForm]:
    """Every name form of a person entry, from its name parts and aliases; with
    ``translated`` (see :func:`translations`), full names also from the given
    name in other languages (Leo Trotsky)."""
    pid = entry["id"]
    given, surname = strings(entry.get("given")), strings(entry.get("surname"))
    out: list[NameForm] = [NameForm(pid, entry["canonical"], FULL)]
    out += [NameForm(pid, a, ALIAS if " " not in a.strip() else FULL) for a in strings(entry.get("aliases"))]
    own = {fold(g) for g in given}
    foreign = [t for g in given for t in (translated or {}).get(fold(g), []) if fold(t) not in own]
    for first in given + strings(entry.get("diminutives")) + foreign:
        out += [NameForm(pid, f"{first} {last}", FULL) for last in surname]
    for first in given:
        out += _patronymic_forms(pid, first, strings(entry.get("patronymic")), surname)
        out += [NameForm(pid, f"{_initial(first)} {last}", FULL) for last in surname]
    for part, words in (("given", given), ("surname", surname), ("diminutive", strings(entry.get("diminutives")))):
        out += [NameForm(pid, w, SHORT, part) for w in words]
    return unique(out)


def _patronymic_forms(pid: str, first: str, patronymics: list[str], surnames: list[str]) -> list[NameForm]:
    """Lev Davidovich, Lev Davidovich Trotsky, L. D., L.D., L. D. Trotsky."""
    out = []
    for middle in patronymics:
        out.append(NameForm(pid, f"{first} {middle}", FULL))
        out += [NameForm(pid, f"{first} {middle} {last}", FULL) for last in surnames]
        out += _initial_forms(pid, first, middle, surnames)
    return out


def _initial(word: str) -> str:
    return word[0].upper() + "."


def _initial_forms(pid: str, first: str, middle: str, surnames: list[str]) -> list[NameForm]:
    a, b = _initial(first), _initial(middle)
    out = [NameForm(pid, f"{a} {b}", SHORT, "initials"), NameForm(pid, f"{a}{b}", SHORT, "initials")]
    for last in surnames:
        out += [NameForm(pid, f"{a} {b} {last}", FULL), NameForm(pid, f"{a}{b} {last}", FULL)]
    return out


def other_forms(
    entry: dict[str, Any], label: str, plural_labels: Iterable[str], plural_min_letters: int
) -> list[NameForm]:
    """Names of a place or organisation of ``label``; for one of ``plural_labels``, a
    one-word name of at least ``plural_min_letters`` also in the singular or plural
    (Bolsheviks / Bolshevik, Menshevik / Mensheviks)."""
    eid = entry["id"]
    names = [entry["canonical"]] + strings(entry.get("aliases"))
    if label in set(plural_labels):
        names += [n[:-1] if n.endswith("s") else n + "s" for n in names if n.isalpha() and len(n) >= plural_min_letters]
    return unique([NameForm(eid, n, ALIAS) for n in names])


def alias_surname_candidates(
    forms: list[NameForm], patronymic_suffixes: tuple[str, ...], min_letters: int
) -> list[tuple[NameForm, str]]:
    """Of the forms of one person, the last word of a multi-word pseudonym as a short form
    (Mornard of Jacques Mornard), with its initial form (J. Mornard), unless it is a
    patronymic (Natalia Ivanovna), shorter than ``min_letters`` or a form the person has
    already; each with the folded word, since it is kept only if no other person bears that
    word as a surname (Trotsky of Natalia Trotsky): :func:`surname_is_free`."""
    out: list[NameForm] = []
    for form in forms:
        words = form.text.split()
        if form.kind == SHORT or len(words) < 2:
            continue
        last = words[-1]
        if len(last) < min_letters or not last[:1].isupper() or fold(last).endswith(patronymic_suffixes):
            continue
        out.append(NameForm(form.entity_id, last, SHORT, "surname"))
        if words[0][:1].isalpha():
            out.append(NameForm(form.entity_id, f"{words[0][0].upper()}. {last}", FULL))
    known = {fold(f.text) for f in forms}
    return [(f, fold(f.text.split()[-1])) for f in unique(out) if fold(f.text) not in known]


def surname_is_free(form: NameForm, last: str, surnames: dict[str, set[str]]) -> bool:
    """Does no other person than ``form``'s bear the folded word ``last`` as a surname
    (``surnames``: folded surname -> the ids of its bearers)?"""
    return surnames.get(last, set()) <= {form.entity_id}


def unique(forms: list[NameForm]) -> list[NameForm]:
    """One form per (entity, folded text), the strongest kind kept."""
    seen: dict[tuple[str, str], NameForm] = {}
    for form in forms:
        key = (form.entity_id, fold(form.text))
        if key not in seen or _KIND_RANK[form.kind] < _KIND_RANK[seen[key].kind]:
            seen[key] = form
    return list(seen.values())
