"""Russian names in Cyrillic (issue 11): readings of inflected and pet-name words
(pipeline/kb/morphology.py), cross-script keys (pipeline/kb/keys.py, iuliia), the linker's
case ambiguity (pipeline/link/mentions.py, decision.py) and the recogniser's Russian family
(pipeline/recognise/russian.py). Every sentence is our own, none from tests/gold."""

from __future__ import annotations

import pytest

from pipeline.recognise.selection import Proposal
from pipeline.recognise.state import DocWords
from tests.conftest import persons

RULES = "namelink_person_rules"


def _links(pipe, text: str) -> dict[str, dict]:
    return {e["text"]: e for e in persons(pipe.process_text(text, "ru-test"))}


# -- readings and keys -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "word, nominatives, as_written",
    [
        ("Седова", ("Седов",), True),  # Sedov's genitive, or the woman Sedova
        ("Сталина", ("Сталин",), True),
        ("Зиночки", ("Зиночка",), False),
        ("Троцкого", ("Троцкий",), False),
        ("Лёва", (), True),
    ],
)
def test_a_name_word_has_every_reading(word, nominatives, as_written):
    from pipeline.kb.morphology import readings

    r = readings(word)
    assert r is not None and r.nominatives == nominatives and r.as_written == as_written


@pytest.mark.parametrize("word", ["здесь", "Trotsky", "СОБРАНИЕ", "к"])
def test_a_common_word_or_a_latin_word_has_no_readings(word):
    from pipeline.kb.morphology import readings

    assert readings(word) is None


def test_a_cyrillic_word_is_keyed_under_every_romanisation():
    from pipeline.kb.keys import NameKeys

    keys = NameKeys()
    assert keys.skeleton("Lyova") in keys.variants("Лёва")  # anyascii alone gives Leva
    assert keys.skeleton("Leva") in keys.variants("Лёва")
    assert keys.variants("Trotsky") == (keys.skeleton("Trotsky"),)  # Latin words: one key, as before


def test_an_unknown_romanisation_scheme_is_a_rules_error():
    from pipeline.kb.keys import NameKeys
    from pipeline.resources import RulesError

    with pytest.raises(RulesError, match="NO_SUCH_SCHEME"):
        NameKeys.from_rules([], ["NO_SUCH_SCHEME"])


# -- linking ---------------------------------------------------------------------------------------


def test_inflected_cyrillic_pet_names_link_to_the_person_with_latin_pet_names(pipe):
    text = "Мать писала Льву, что давно не получала вестей от Ниночки и от Севушки."
    links = _links(pipe, text)
    assert links["Ниночки"]["entity_id"] == "nina-nevelson"  # Ninochka, a pet form of Nina
    assert links["Севушки"]["entity_id"] == "esteban-volkov"  # Sevushka, of Seva


def test_a_cyrillic_diminutive_meets_its_latin_spelling(pipe):
    links = _links(pipe, "Бабушка ждёт письма от Зиночки, а Лёва уехал в Берлин к сестре.")
    assert links["Зиночки"]["entity_id"] == "zinaida-volkova"
    assert links["Лёва"]["entity_id"] == "lev-sedov"  # Lyova/Liova, not nil


def test_the_reading_the_knowledge_base_has_is_preferred(pipe):
    links = _links(pipe, "На заседании говорили, что надо ждать решения Сталина до осени.")
    assert links["Сталина"]["entity_id"] == "joseph-stalin"  # not the feminine name Сталина


def test_a_masculine_genitive_is_read_by_the_document_and_the_governing_word(pipe):
    by_context = _links(pipe, "Лев Седов работал в Париже. Письмо пришло от Седова через неделю.")
    assert by_context["Седова"]["entity_id"] == "lev-sedov"
    governed = _links(pipe, "Наталья Ивановна была в Мексике. Рукопись пришла от Седова через месяц.")
    assert governed["Седова"]["entity_id"] in {"lev-sedov", "sergei-sedov"}  # от + genitive: a man


def test_a_case_ambiguity_no_context_resolves_is_flagged(pipe):
    entity = _links(pipe, "Вчера на собрании выступила Седова.")["Седова"]
    assert "case" in (entity.get("reason") or "") and entity["score"] < 0.5


def test_the_woman_of_a_nominative_surname_is_not_flagged_in_english(pipe):
    entity = _links(pipe, "Trotsky met Lev Sedov in Paris; Sedova wrote to Zina.")["Sedova"]
    assert entity["entity_id"] == "natalia-sedova" and "case" not in (entity.get("reason") or "")


# -- recognising -----------------------------------------------------------------------------------


def _families_and_words(pipe, text: str):
    nlp = pipe.nlp
    families = nlp.get_pipe(RULES).families
    names = [name for name, _ in nlp.pipeline]
    with nlp.select_pipes(disable=names[names.index(RULES) :]):
        doc = nlp(text)
    return families, DocWords.read(doc, families.labels), doc


def test_a_title_and_a_surname_are_a_person_the_title_outside(pipe):
    families, words, doc = _families_and_words(pipe, "На митинге выступил тов. Кузьмин, а потом слесарь Петров.")
    found = [doc[p.start : p.end].text for p in families.russian.propose(words)]
    assert "Кузьмин" in found and not any("тов" in f for f in found)


def test_surnames_coordinated_after_a_title_are_each_a_person(pipe):
    families, words, doc = _families_and_words(pipe, "Они грозили жизни товарищей Ворошилова, Жданова и Кагановича.")
    found = {doc[p.start : p.end].text for p in families.russian.propose(words)}
    assert {"Ворошилова", "Жданова", "Кагановича"} <= found


@pytest.mark.parametrize(
    "text, span",
    [
        ("ИТОГИ СЪЕЗДА ПАРТИИ. Делегаты разъехались.", "ИТОГИ СЪЕЗДА ПАРТИИ"),  # a headline in capitals
        ("Мальчик родился в Яновке весной.", "Яновке"),  # a place in the locative
        ("Здесь нас встретили рабочие.", "Здесь"),
    ],
)
def test_a_cyrillic_model_person_that_is_no_name_is_dropped(pipe, text, span):
    families, words, doc = _families_and_words(pipe, text)
    start = next(t.i for t in doc if t.text == span.split()[0])
    proposal = Proposal(start, start + len(span.split()), families.labels.person, "model")
    assert families.russian.keep(words, [proposal]) == []


def test_a_cyrillic_person_is_trimmed_of_a_preposition_and_kept(pipe):
    families, words, doc = _families_and_words(pipe, "Все говорили о Зиновьеве весь вечер.")
    start = next(t.i for t in doc if t.text == "о")
    kept = families.russian.keep(words, [Proposal(start, start + 2, families.labels.person, "model")])
    assert [doc[p.start : p.end].text for p in kept] == ["Зиновьеве"]


def test_latin_proposals_pass_the_russian_check_unchanged(pipe):
    families, words, doc = _families_and_words(pipe, "Yesterday Here came the workers of Paris.")
    proposal = Proposal(1, 2, families.labels.person, "model")
    assert families.russian.keep(words, [proposal]) == [proposal]
    assert families.russian.propose(words) == []
