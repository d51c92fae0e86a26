"""The blocked fuzzy index (pipeline/kb/fuzzy.py): a small block, the same matches as a full scan."""

from __future__ import annotations

import random

import pytest
from rapidfuzz import fuzz, process

from pipeline.kb import KnowledgeBase
from pipeline.kb.fuzzy import FuzzyBlocks, FuzzySettings, deletions
from pipeline.kb.keys import fold
from pipeline.resources import DEFAULT_MODELS_DIR, LabelRules, NameRules

PEOPLE = [
    ("felix-dzerzhinsky", "Felix Dzerzhinsky", ["Felix"], ["Dzerzhinsky"]),
    ("ramon-mercader", "Ramon del Rio", ["Ramon"], ["del Rio"]),
    ("leon-trotsky", "Leon Trotsky", ["Leon"], ["Trotsky"]),
    ("natalia-sedova", "Natalia Sedova", ["Natalia"], ["Sedova"]),
]


def tiny_kb(extra: list[tuple[str, str, list[str], list[str]]] = ()) -> KnowledgeBase:
    names, labels = NameRules.load(DEFAULT_MODELS_DIR), LabelRules.load(DEFAULT_MODELS_DIR)
    entries = [
        {"id": i, "canonical": c, "given": g, "surname": s, "sex": "F" if c.endswith("a") else "M"}
        for i, c, g, s in [*PEOPLE, *extra]
    ]
    return KnowledgeBase.from_records([(e, True) for e in entries], names=names, labels=labels)


def blocks(kb: KnowledgeBase, max_block: int = 5000) -> FuzzyBlocks:
    return FuzzyBlocks(
        kb.store, kb.person_label, FuzzySettings(min_letters=6, two_deletion_letters=6, max_block=max_block)
    )


def test_deletions_are_the_word_with_up_to_n_letters_removed():
    assert deletions("abc", 1) == {"abc", "bc", "ac", "ab"}
    assert "ac" in deletions("abcd", 2) and "a" not in deletions("abcd", 2)


@pytest.mark.parametrize(
    "damaged, meant",
    [
        ("Dzerhinsky", "Dzerzhinsky"),  # a letter lost
        ("Dzerinsky", "Dzerzhinsky"),  # two lost
        ("Ratnon del Rio", "Ramon del Rio"),  # m read as tn
        ("Fe1ix Dzerzhlnsky", "Felix Dzerzhinsky"),  # one wrong letter in each word
        ("Leon Trotksy", "Leon Trotsky"),  # two letters swapped
    ],
)
def test_a_damaged_name_meets_its_form(damaged, meant):
    found = blocks(tiny_kb()).search(damaged.split(), cutoff=85, limit=5)
    assert found and found[0][0].text == meant


def test_a_name_far_from_every_form_meets_none():
    assert blocks(tiny_kb()).search(["Bukharin"], cutoff=85, limit=5) == []


def test_the_block_holds_only_forms_sharing_a_near_word():
    kb = tiny_kb()
    index = blocks(kb)
    texts = {n: f.text for n, f in kb.store.forms_by_number(index.block(["dzerhinsky"])).items()}
    assert set(texts.values()) == {"Dzerzhinsky"}  # one word: the one-word forms near it, no other


def test_a_word_in_more_forms_than_the_block_may_hold_opens_no_block():
    namesakes = [(f"ivan-{k}", f"Ivan Petrov{'x' * (k % 3)}", ["Ivan"], [f"Petrov{'x' * (k % 3)}"]) for k in range(30)]
    kb = tiny_kb(namesakes)
    assert blocks(kb, max_block=10).block(["ivan", "qqqqqq"]) == []  # thirty Ivans: no block of theirs
    assert len(blocks(kb, max_block=10_000).block(["ivan", "qqqqqq"])) >= 30


def test_the_blocked_index_finds_what_a_scan_of_every_form_finds():
    """Random damage (a letter dropped, doubled or changed) to every form of a knowledge base:
    the block search returns the same best matches as rapidfuzz over all forms."""
    rng = random.Random(7)
    kb = tiny_kb([(f"p{k}", f"{g} {s}", [g], [s]) for k, (g, s) in enumerate(_names(rng, 200))])
    index = blocks(kb)
    forms = [f for f in kb.forms if len(f.text.replace(" ", "")) >= 6 and f.part != "pet"]
    keys = [fold(f.text) for f in forms]
    same = total = 0
    for form in rng.sample(forms, 150):
        query = _damage(fold(form.text), rng)
        words = query.split()
        scan = [
            keys[i]
            for _, score, i in process.extract(query, keys, scorer=fuzz.ratio, score_cutoff=85, limit=None)
            if len(keys[i].split()) == len(words)
        ]
        if not scan:
            continue
        total += 1
        found = {fold(f.text) for f, _ in index.search(words, cutoff=85, limit=len(keys))}
        same += set(scan) <= found
    assert total > 100 and same == total


def _names(rng: random.Random, n: int) -> list[tuple[str, str]]:
    given = ["Pavel", "Anna", "Grigory", "Olga", "Nikolai", "Vera", "Mikhail", "Sofia"]
    stems = ["Kamen", "Zinov", "Radek", "Bukhar", "Rykov", "Tomsk", "Pyatak", "Sokoln", "Serebryak", "Muralov"]
    return [(rng.choice(given), rng.choice(stems) + rng.choice(["ev", "in", "ov", "sky"])) for _ in range(n)]


def _damage(text: str, rng: random.Random) -> str:
    k = rng.randrange(len(text))
    if text[k] == " ":
        return text
    kind = rng.choice(["drop", "double", "change"])
    if kind == "drop":
        return text[:k] + text[k + 1 :]
    if kind == "double":
        return text[:k] + text[k] + text[k:]
    return text[:k] + rng.choice("aeioulnrst") + text[k + 1 :]
