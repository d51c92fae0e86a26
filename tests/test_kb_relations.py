"""Relations between individuals (``related`` in persons.yaml) and life years, on small knowledge bases built in memory.

Two households of our own, the Petrovs and the Orlovs, with the relation kinds
set here (not read from the project's linking.yaml), and the shipped
knowledge base for the properties its data must keep.
"""

from __future__ import annotations

from collections import Counter

import pytest
from test_kb_tiny import LABELS, NAMES

from pipeline.kb import KnowledgeBase, KnowledgeBaseError
from pipeline.kb.relations import RelationKinds, follow
from pipeline.resources import DEFAULT_MODELS_DIR, load_yaml

KINDS = RelationKinds(
    inverses={"spouse": "spouse", "sibling": "sibling", "child": "parent", "parent": "child",
              "grandchild": "grandparent", "grandparent": "grandchild",
              "secretary": "employer", "employer": "secretary"},
    paths={"sibling": ("parent", "child"), "grandchild": ("child", "child")},
)  # fmt: skip

IVAN = {"id": "ivan-petrov", "canonical": "Ivan Petrov", "given": "Ivan", "surname": "Petrov",
        "related": {"spouse": ["maria-petrova"], "child": ["pavel-petrov", "vera-petrova"],
                    "secretary": ["boris-orlov"]}}
MARIA = {"id": "maria-petrova", "canonical": "Maria Petrova", "given": "Maria", "surname": "Petrova",
         "related": {"child": ["pavel-petrov", "vera-petrova"]}}
PAVEL = {"id": "pavel-petrov", "canonical": "Pavel Petrov", "given": "Pavel", "surname": "Petrov",
         "related": {"child": ["nika-petrova"]}}
VERA = {"id": "vera-petrova", "canonical": "Vera Petrova", "given": "Vera", "surname": "Petrova"}
NIKA = {"id": "nika-petrova", "canonical": "Nika Petrova", "given": "Nika", "surname": "Petrova"}
BORIS = {"id": "boris-orlov", "canonical": "Boris Orlov", "given": "Boris", "surname": "Orlov"}
HOUSEHOLD = [IVAN, MARIA, PAVEL, VERA, NIKA, BORIS]
PLACE = {"id": "kiev", "canonical": "Kiev", "label": "GPE"}


def build(persons=HOUSEHOLD, kinds: RelationKinds | None = KINDS) -> KnowledgeBase:
    records = [(p, True) for p in persons] + [(PLACE, False)]
    return KnowledgeBase.from_records(records, names=NAMES, labels=LABELS, relations=kinds)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return build()


def test_listed_relations_say_what_the_other_is_to_the_entry(kb):
    assert kb.related("ivan-petrov")["maria-petrova"] == {"spouse"}
    assert kb.related("ivan-petrov")["pavel-petrov"] == {"child"}
    assert kb.related("ivan-petrov")["boris-orlov"] == {"secretary"}


def test_the_loader_adds_the_inverse_of_each_listed_pair(kb):
    assert kb.related("maria-petrova")["ivan-petrov"] == {"spouse"}  # symmetric
    assert kb.related("pavel-petrov")["ivan-petrov"] == {"parent"}  # inverse
    assert kb.related("boris-orlov") == {"ivan-petrov": {"employer"}}


def test_derived_kinds_follow_two_relations_with_their_inverse(kb):
    assert kb.related("pavel-petrov")["vera-petrova"] == {"sibling"}  # through a shared parent
    assert kb.related("vera-petrova")["pavel-petrov"] == {"sibling"}
    assert kb.related("ivan-petrov")["nika-petrova"] == {"grandchild"}
    assert kb.related("nika-petrova")["maria-petrova"] == {"grandparent"}
    assert follow(kb.relations, "ivan-petrov", "child") == {"pavel-petrov", "vera-petrova"}


def test_no_one_is_related_to_themselves_and_strangers_are_not_related(kb):
    assert all(e not in kb.related(e) for e in kb.entities)
    assert "nika-petrova" not in kb.related("vera-petrova")  # an aunt, a kind these rules do not derive
    assert kb.related("kiev") == {}


def test_an_unknown_id_in_related_is_a_clear_load_error():
    bad = {**VERA, "related": {"spouse": ["nobody-known"]}}
    with pytest.raises(KnowledgeBaseError, match="vera-petrova: related spouse 'nobody-known' is not a person"):
        build([IVAN, MARIA, PAVEL, bad, NIKA, BORIS])


def test_a_place_is_not_a_relative():
    with pytest.raises(KnowledgeBaseError, match="'kiev' is not a person"):
        build([{**BORIS, "related": {"sibling": ["kiev"]}}])


def test_an_unknown_kind_is_a_clear_load_error():
    with pytest.raises(KnowledgeBaseError, match="boris-orlov: unknown relation kind 'godson'"):
        build([{**BORIS, "related": {"godson": ["ivan-petrov"]}}, IVAN, MARIA, PAVEL, VERA, NIKA])


def test_related_without_any_known_kinds_is_an_error():
    with pytest.raises(KnowledgeBaseError, match="unknown relation kind 'spouse'"):
        build(kinds=None)


def test_related_must_map_kinds_to_ids():
    with pytest.raises(KnowledgeBaseError, match="related must map a kind"):
        build([{**BORIS, "related": ["ivan-petrov"]}])


def test_related_naming_the_entry_itself_is_an_error():
    with pytest.raises(KnowledgeBaseError, match="names the entry itself"):
        build([{**BORIS, "related": {"sibling": ["boris-orlov"]}}])


def test_every_kind_needs_an_inverse():
    with pytest.raises(KnowledgeBaseError, match="without an inverse: parent"):
        RelationKinds(inverses={"child": "parent"})


def test_life_years_are_read_and_must_be_years():
    kb = build([{**BORIS, "born": 1901, "died": 1950}])
    assert (kb.entities["boris-orlov"].born, kb.entities["boris-orlov"].died) == (1901, 1950)
    assert kb.entities["boris-orlov"].prominence == 1.0 and build().entities["ivan-petrov"].born is None
    with pytest.raises(KnowledgeBaseError, match="boris-orlov: born must be a year"):
        build([{**BORIS, "born": "about 1901"}])


# -- the shipped knowledge base -------------------------------------------------------------------


def test_the_shipped_relations_load_and_list_each_pair_once():
    kb = KnowledgeBase.load(learned=False)
    assert kb.related("lev-sedov")["leon-trotsky"] == {"parent"}
    assert kb.related("alexandra-moglina")["zinaida-volkova"] == {"parent"}
    assert kb.related("zinaida-volkova")["lev-sedov"] == {"sibling"}  # derived: half-siblings
    inverses = load_yaml(DEFAULT_MODELS_DIR / "rules" / "linking.yaml")["relation_inverses"]
    listed = Counter(
        (entry["id"], other, kind)
        for entry in load_yaml(DEFAULT_MODELS_DIR / "kb" / "persons.yaml")
        for kind, ids in (entry.get("related") or {}).items()
        for other in ids
    )
    twice = [(a, b, k) for (a, b, k), n in listed.items() if n > 1 or (a < b and (b, a, inverses[k]) in listed)]
    assert not twice, f"pairs listed more than once (the loader adds the inverse): {twice}"
