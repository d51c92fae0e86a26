"""Russian pet names generated from the knowledge base (pipeline/kb/pet_names.py), and how they link.

Three layers: the stems and forms on knowledge bases built in memory with the
project's rules; the linker alone (a blank pipeline, entities set by hand as
the recogniser would) on a tmp models folder of four people; and the whole
pipeline on small letters of our own (real model, real knowledge base), with
the forms that must not change: patronymics without a surname, initials,
vocatives, endearments, possessives and English words.
"""

from __future__ import annotations

import re
import shutil
import uuid

import pytest
import spacy
import yaml

from pipeline.kb import SHORT, KnowledgeBase
from pipeline.kb.entries import PET
from pipeline.kb.lexicon import own_words
from pipeline.kb.pet_names import PetNames
from pipeline.resources import DEFAULT_MODELS_DIR, LabelRules, NameRules, PetNameRules, RulesError

NAMES = NameRules.load()
LABELS = LabelRules.load()
PERSON = LABELS.person

ANNA = {"id": "anna-p", "canonical": "Anna Petrova", "sex": "F", "given": "Anna", "patronymic": "Ilyinichna",
        "surname": "Petrova", "diminutives": ["Anya"]}  # fmt: skip
BORIS = {"id": "boris-g", "canonical": "Boris Gromov", "sex": "M", "given": ["Boris", "Lev"], "patronymic": "Lvovich",
         "surname": "Gromov", "diminutives": ["Lyova", "Borya"]}  # fmt: skip
NO_PATRONYMIC = {"id": "lev-x", "canonical": "Lev Xenakis", "sex": "M", "given": "Lev", "surname": "Xenakis"}


def build(persons, others=(), words=None) -> KnowledgeBase:
    records = [(p, True) for p in persons] + [(o, False) for o in others]
    return KnowledgeBase.from_records(records, names=NAMES, labels=LABELS, words=words)


def pets(kb: KnowledgeBase, entity_id: str) -> set[str]:
    return {f.text for f in kb.forms_of(entity_id) if f.part == PET}


# -- stems and forms ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, stem",
    [("Natasha", "Natash"), ("Lyova", "Lyov"), ("Seryozha", "Seryozh"), ("Zina", "Zin"), ("Lev", "Lev"),
     ("Natalia", "Natal"), ("Volodya", "Volod"), ("Andrei", "Andr"), ("Yuri", "Yur")],
)  # fmt: skip
def test_the_stem_is_cut_by_the_first_rule_that_matches(name, stem):
    assert PetNames(NAMES.pet_names).stem(name) == stem


@pytest.mark.parametrize("name", ["Soso", "George", "Lyovochka", "Sevushka", "Olya", "Ovsei-Gershon"])
def test_names_without_a_stem(name):
    # a final -o or -e, a pet name already, a stem too short (Ol-), not one word of letters
    assert PetNames(NAMES.pet_names).stem(name) is None


def test_pet_names_come_from_given_names_and_diminutives():
    forms = {f.text: f for f in build([BORIS]).forms_of("boris-g") if f.part == PET}
    assert {"Lyovochka", "Lyovushka", "Levik", "Levushka", "Borisik", "Borenka"} <= set(forms)
    assert all(f.kind == SHORT and f.entity_id == "boris-g" for f in forms.values())
    listed = {f.text for f in build([BORIS]).forms_of("boris-g") if f.part != PET}
    assert not listed & set(forms)


def test_only_people_named_with_a_patronymic_get_pet_names():
    kb = build([BORIS, NO_PATRONYMIC])
    assert pets(kb, "lev-x") == set()
    assert "Levik" in pets(kb, "boris-g")


def test_a_pet_name_that_is_a_listed_name_of_anyone_is_not_generated():
    # Annushka would be Anna's pet name, but a place is called so; another person is
    # Anochka, the same name key as Annochka (doubled letters fold), so it is theirs alone
    place = {"id": "annushka-bay", "canonical": "Annushka", "label": "GPE"}
    other = dict(NO_PATRONYMIC, id="other", aliases=["Anochka"])
    kb = build([ANNA, other], others=[place])
    assert "Annushka" not in pets(kb, "anna-p") and "Annochka" not in pets(kb, "anna-p")
    assert {"Annenka", "Annik"} <= pets(kb, "anna-p")
    assert "Annushka" in pets(build([ANNA]), "anna-p")


def test_a_pet_name_that_is_a_word_of_its_own_is_not_generated():
    lena = {"id": "lena-k", "canonical": "Yelena Kirova", "given": "Yelena", "patronymic": "Ivanovna",
            "diminutives": ["Lena"], "surname": "Kirova"}  # fmt: skip
    misha = {"id": "misha-k", "canonical": "Mikhail Kirov", "given": "Mikhail", "patronymic": "Ivanovich",
             "diminutives": ["Misha"], "surname": "Kirov"}  # fmt: skip
    words = own_words(None, NAMES.pet_names.english_word_min_count)
    kb = build([lena, misha], words=words)
    assert "Lenka" not in pets(kb, "lena-k") and "Mishka" not in pets(kb, "misha-k")  # in the English counts
    assert {"Lenochka", "Mishenka"} <= pets(kb, "lena-k") | pets(kb, "misha-k")
    assert "Lenka" in pets(build([lena]), "lena-k")  # without the test it would be


def test_pet_names_are_not_name_words():
    words = build([BORIS]).name_words()
    assert "Lyova" in words and "Levik" not in words and "Lyovochka" not in words


def test_the_pet_name_rules_are_a_typed_view():
    assert isinstance(NAMES.pet_names, PetNameRules) and "ochka" in NAMES.pet_names.suffixes
    data = yaml.safe_load((DEFAULT_MODELS_DIR / "rules" / "names.yaml").read_text(encoding="utf-8"))
    del data["pet_names"]["suffixes"]
    with pytest.raises(RulesError, match="pet_names: missing key 'suffixes'"):
        NameRules.from_dict(data, "names.yaml")


def test_the_knowledge_base_generates_the_pet_names_of_its_family_names():
    kb = KnowledgeBase.load()
    owners = {}
    for form in kb.forms:
        if form.part == PET:
            owners.setdefault(form.text, set()).add(form.entity_id)
    assert owners["Natashenka"] == {"natalia-sedova"}
    assert owners["Lyovochka"] == {"lev-sedov"}  # from Lyova, his alone
    assert owners["Sevushka"] == {"esteban-volkov"}
    assert {"leon-trotsky", "lev-sedov", "lev-nevelson"} <= owners["Levik"]  # every Lev: context decides
    assert not {"Lenka", "Levitt", "Mishka", "Marya"} & set(owners)


# -- linking (the linker alone) ----------------------------------------------------------------

PEOPLE = [
    {"id": "lev-sedov", "canonical": "Lev Sedov", "sex": "M", "given": "Lev", "patronymic": "Lvovich",
     "surname": "Sedov", "diminutives": ["Lyova"], "prominence": 2},
    {"id": "lev-kamenev", "canonical": "Lev Kamenev", "sex": "M", "given": "Lev", "patronymic": "Borisovich",
     "surname": "Kamenev", "prominence": 1},
    {"id": "natalia-sedova", "canonical": "Natalia Sedova", "sex": "F", "given": "Natalia", "patronymic": "Ivanovna",
     "surname": "Sedova", "diminutives": ["Natasha"]},
    {"id": "nina-n", "canonical": "Nina Nevelson", "sex": "F", "given": "Nina", "surname": "Nevelson"},
]  # fmt: skip


@pytest.fixture(scope="module")
def linker(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pets") / "models"
    shutil.copytree(DEFAULT_MODELS_DIR / "rules", folder / "rules")
    (folder / "kb").mkdir()
    text = f"# {uuid.uuid4()}\n" + yaml.safe_dump(PEOPLE)  # this folder's own cache entry
    (folder / "kb" / "persons.yaml").write_text(text, encoding="utf-8")
    nlp = spacy.blank("en")
    nlp.add_pipe("namelink_linker", config={"models": str(folder)})
    return nlp


def linked(nlp, text: str, *names: str) -> list[tuple[str, str, str, float]]:
    doc = nlp.make_doc(text)
    spans = [
        doc.char_span(m.start(), m.end(), label=PERSON) for name in names for m in re.finditer(rf"\b{name}\b", text)
    ]
    doc.ents = sorted(spans, key=lambda s: s.start)
    doc = nlp.get_pipe("namelink_linker")(doc)
    return [(e.text, *(e._.namelink_link[k] for k in ("entity_id", "method", "score"))) for e in doc.ents]


def test_a_pet_name_of_a_shared_given_name_links_by_the_documents_context(linker):
    assert linked(linker, "Lev Kamenev came. Levik was tired.", "Lev Kamenev", "Levik")[1][:2] == (
        "Levik",
        "lev-kamenev",
    )
    assert linked(linker, "Lev Sedov came. Levik was tired.", "Lev Sedov", "Levik")[1][:2] == ("Levik", "lev-sedov")


def test_a_pet_name_scores_lower_than_a_listed_form_in_the_same_place(linker):
    listed = linked(linker, "Lev Sedov came. Lyova was tired.", "Lev Sedov", "Lyova")[1]
    pet = linked(linker, "Lev Sedov came. Lyovochka was tired.", "Lev Sedov", "Lyovochka")[1]
    assert listed == ("Lyova", "lev-sedov", "context", 0.85)
    assert pet == ("Lyovochka", "lev-sedov", "context", 0.68)  # 0.85 times the pet method score 0.8
    alone = linked(linker, "Natasha wrote. Later Natashenka came.", "Natasha", "Natashenka")
    assert alone[0][3] > alone[1][3] and alone[1][1] == "natalia-sedova"


def test_a_pet_name_candidate_says_so(linker):
    doc = linker.make_doc("Seryozhenka, Natashenka wrote.")
    doc.ents = [doc.char_span(13, 23, label=PERSON)]
    doc = linker.get_pipe("namelink_linker")(doc)
    assert doc.ents[0]._.namelink_candidates == [["natalia-sedova", PET, 1.0]]


@pytest.mark.parametrize("text, name", [("Lyovochko was tired.", "Lyovochko"), ("Ninochka wrote.", "Ninochka")])
def test_no_pet_name_by_fuzzy_match_or_without_a_patronymic(linker, text, name):
    # Lyovochko is one letter from a pet name (no fuzzy match on a guess); Nina has no patronymic
    ((_, entity_id, method, _),) = linked(linker, text, name)
    assert entity_id.startswith("nil:") and method == "nil"


# -- the whole pipeline, on letters of our own --------------------------------------------------

LETTER = """Odessa, 2 June 1934

My dear Lyovochka,

Natashenka sends you a kiss, and Seryozhenka has still not written. Zinushka is better.
Natalia Ivanovna wants to know when Lev Davidovich will come. Golubchik, sleep well.

Your N. I. Sedova
"""


def persons_of(pipe, text: str) -> dict[str, str | None]:
    record = pipe.process_text(text, "letter")
    return {e["text"]: e["entity_id"] for e in record["entities"] if e["label"] == PERSON}


@pytest.fixture(scope="module")
def letter(pipe) -> dict[str, str | None]:
    return persons_of(pipe, LETTER)


def test_pet_names_in_a_letter_are_mentions_of_their_bearers(letter):
    assert letter["Lyovochka"] == "lev-sedov"  # the vocative of the salutation
    assert letter["Natashenka"] == "natalia-sedova"
    assert letter["Seryozhenka"] == "sergei-sedov"
    assert letter["Zinushka"] == "zinaida-volkova"


def test_patronymic_without_surname_and_initials_with_surname_still_link(letter, pipe):
    assert letter["Natalia Ivanovna"] == "natalia-sedova" and letter["Lev Davidovich"] == "leon-trotsky"
    assert letter["N. I. Sedova"] == "natalia-sedova"
    found = persons_of(pipe, "The draft was signed L. D. Trotsky. A week later L.D. wrote again.")
    assert found == {"L. D. Trotsky": "leon-trotsky", "L.D.": "leon-trotsky"}


def test_endearments_and_english_words_are_no_pet_names(letter, pipe):
    assert "Golubchik" not in letter and "My dear Lyovochka" not in letter
    found = persons_of(pipe, "Natasha's letter came on Monday. Mr. Levitt and Lenka read it.")
    assert found["Natasha"] == "natalia-sedova"  # the possessive stays outside
    assert all(found.get(word, "nil:").startswith("nil:") for word in ("Levitt", "Lenka"))  # no Lev, no Lena
