"""OCR-damaged names (issue 9): digits for letters and letter confusions inside words.

The confusions themselves (pipeline.kb.ocr), the recogniser reading a damaged
word as its repair (pipeline.recognise.ocr) on a tiny knowledge base with
``spacy.blank("en")``, and the linker's repaired candidates and NIL names with
the project's pipeline. Every sentence is written for these tests.
"""

from __future__ import annotations

import pytest
import spacy
from conftest import find, persons, tiny_knowledge
from spacy.tokens import Doc, Span

from pipeline.kb.ocr import OcrConfusions
from pipeline.kb.shared import SharedKnowledge
from pipeline.link.candidates import person_candidates
from pipeline.recognise import DocWords, PersonRules, RuleFamilies
from pipeline.recognise.lines import wrapped_breaks
from pipeline.recognise.ocr import merge_split_words
from pipeline.resources import LabelRules, NameRules

NAMES = NameRules.load()
OCR = OcrConfusions(NAMES.ocr_confusions, NAMES.ocr_min_letters, NAMES.ocr_max_digit_run)
PERSON = LabelRules.load().person

# -- the confusions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "word, clear",
    [
        ("Tr0tsky", "Trotsky"),
        ("5edova", "Sedova"),
        ("0tto", "Otto"),
        ("Nata1ia", "Natalia"),
        ("Farre11", "Farrell"),
        ("C0LE", "COLE"),
        ("A1bert", "Albert"),
        ("Le6n", "Leon"),
        ("8ukharin", "Bukharin"),
        ("1van", "Ivan"),  # a capital I at the start, a small l inside
    ],
)
def test_a_digit_among_letters_is_read_as_its_letter_in_the_case_around_it(word, clear):
    assert OCR.digit_damaged(word)
    assert OCR.clear(word) == clear


@pytest.mark.parametrize("word", ["1937", "5th", "21st", "1930s", "10mins", "12mo", "8vo", "No", "A1", "B52", "5ft"])
def test_numbers_are_not_damaged_words(word):
    assert not OCR.digit_damaged(word)
    assert OCR.clear(word) is None


def test_spellings_come_fewest_repairs_first_and_are_bounded():
    found = OCR.spellings("A1bert Golclman", 64)
    assert ("Albert Goldman", 2) in found
    assert [n for _, n in found] == sorted(n for _, n in found)
    assert all(n >= 1 for _, n in found)
    assert len(OCR.spellings("Mercader cacique clerical", 5)) == 5


def test_spellings_never_touch_the_digits_of_a_number():
    assert all("1937" in s for s, _ in OCR.spellings("Trotsky 1937", 64))
    assert OCR.spellings("Tr0tsky 1937", 64, letters=False) == [("Trotsky 1937", 1)]


# -- the recogniser on a tiny knowledge base --------------------------------------------------------

PERSONS = [
    {"id": "leon-trotsky", "canonical": "Leon Trotsky", "sex": "M", "given": ["Lev", "Leon"], "surname": ["Trotsky"]},
    {"id": "joseph-stalin", "canonical": "Joseph Stalin", "sex": "M", "given": ["Joseph"], "surname": ["Stalin"]},
    {"id": "natalia-sedova", "canonical": "Natalia Sedova", "sex": "F", "given": ["Natalia"], "surname": ["Sedova"]},
    {"id": "albert-goldman", "canonical": "Albert Goldman", "sex": "M", "given": ["Albert"], "surname": ["Goldman"]},
]  # fmt: skip


@pytest.fixture(scope="module")
def knowledge() -> SharedKnowledge:
    return tiny_knowledge(PERSONS, {"leon", "otto", "natalia", "albert", "walter"}, "tiny-ocr")


@pytest.fixture(scope="module")
def blank():
    return spacy.blank("en")


@pytest.fixture(scope="module")
def families(blank, knowledge) -> RuleFamilies:
    return RuleFamilies.build(knowledge, blank.tokenizer)


def tagged(blank, text: str, ents: tuple[tuple[str, str], ...] = ()) -> Doc:
    """``text`` with every capitalised word (digits too) tagged PROPN, and ``ents`` (text, label) as the model's."""
    doc = blank.make_doc(text)
    for token in doc:
        token.pos_ = "PROPN" if token.text[:1].isupper() or token.text[:1].isdigit() else "NOUN"
    spans = []
    for part, label in ents:
        start, end = find(text, part)
        spans.append(doc.char_span(start, end, label=label))
    doc.ents = spans
    return doc


def repaired(families: RuleFamilies, doc: Doc) -> dict[str, str]:
    words = DocWords.read(doc, families.labels, families.ocr_words.repairs)
    return {doc[k].text: text for k, text in words.repaired.items()}


def people(blank, knowledge, doc: Doc) -> list[tuple[str, int, int]]:
    out = PersonRules(blank, shared=lambda models, lang: knowledge)(doc)
    return [(e.text, e.start_char, e.end_char) for e in out.ents if e.label_ == PERSON]


def test_damaged_words_are_read_as_their_repairs(blank, families):
    doc = tagged(blank, "Later Tr0tsky wrote to Nata1ia 5edova and to Walter Ha11ey about Golclman.")
    assert repaired(families, doc) == {
        "Tr0tsky": "Trotsky",  # a known name word
        "Nata1ia": "Natalia",  # a given name
        "5edova": "Sedova",
        "Ha11ey": "Halley",  # unknown, shaped like a name
        "Golclman": "Goldman",  # a letter confusion that makes a known name word
    }


def test_numbers_lower_case_words_and_common_words_are_not_repaired(blank, families):
    text = "On the 5th of May 1937 the No. 5 tram took the o1d road past the Exi1e Hotel and a wa11 ; the exile slept."
    assert repaired(families, tagged(blank, text)) == {}


def test_a_rare_word_whose_repair_is_no_known_name_is_not_repaired(blank, families):
    # letter confusions only make known names: Marcion is no Maraion
    assert repaired(families, tagged(blank, "The critic Marcion wrote.")) == {}


def test_damaged_names_are_persons_with_their_original_text_and_offsets(blank, knowledge):
    text = "Later Tr0tsky wrote to Nata1ia 5edova about the German writer 0tto Ruehle."
    doc = tagged(blank, text)
    found = people(blank, knowledge, doc)
    for name in ("Tr0tsky", "Nata1ia 5edova", "0tto Ruehle"):
        start, end = find(text, name)
        assert (name, start, end) in found, found
    assert doc.text == text


def test_a_damaged_word_the_model_calls_a_number_is_still_a_name(blank, knowledge):
    text = "The minister said that 5talin wanted it."
    assert [t for t, _, _ in people(blank, knowledge, tagged(blank, text, (("5talin", "CARDINAL"),)))] == ["5talin"]


def test_a_damaged_word_cut_by_the_tokenizer_is_rejoined(blank, families):
    doc = blank.make_doc("Even Sta1in agreed, at 5 in the morning.")
    assert [t.text for t in doc][:3] == ["Even", "Sta1", "in"]  # spaCy's unit suffix after a digit
    merge_split_words(doc, families.ocr_words.ocr)
    assert [t.text for t in doc] == ["Even", "Sta1in", "agreed", ",", "at", "5", "in", "the", "morning", "."]


# -- linking -------------------------------------------------------------------------------------------


def test_a_repaired_candidate_scores_lower_than_an_exact_one_and_lower_with_more_repairs(knowledge, blank):
    generator = person_candidates(knowledge, blank.tokenizer, 85.0)
    exact = generator(["Albert", "Goldman"])
    one = generator(["Albert", "Golclman"])
    two = generator(["A1bert", "Golclman"])
    assert [(c.entity_id, c.method) for c in exact] == [("albert-goldman", "exact")]
    assert [(c.entity_id, c.method) for c in one] == [("albert-goldman", "ocr")]
    assert [(c.entity_id, c.method) for c in two] == [("albert-goldman", "ocr")]
    assert 1.0 == exact[0].similarity > one[0].similarity > two[0].similarity


def test_letter_confusions_need_a_long_enough_name(knowledge, blank):
    generator = person_candidates(knowledge, blank.tokenizer, 85.0)
    assert generator(["Stalin"]) and generator(["Sta1in"])  # a digit: any length
    assert not generator(["Lcon"])  # Lcon is no Leon: too short for a letter confusion


def _linked(pipe, text: str, surface: str, occurrence: int = 0) -> dict:
    start, end = find(text, surface, occurrence)
    spans = {(e["start"], e["end"]): e for e in persons(pipe.process_text(text, "ocr"))}
    assert (start, end) in spans, (surface, spans)
    return spans[(start, end)]


def test_damaged_known_names_link_with_the_ocr_method_and_a_lower_score(pipe):
    text = "In the spring of 1937 Tr0tsky met the press. Trotsky answered every charge."
    damaged, clean = _linked(pipe, text, "Tr0tsky"), _linked(pipe, text, "Trotsky")
    assert damaged["entity_id"] == clean["entity_id"] == "leon-trotsky"
    record = pipe.process_text("Tr0tsky met the press in 1937.", "ocr")
    assert record["text"] == "Tr0tsky met the press in 1937."


def test_two_spellings_of_an_unknown_damaged_name_share_one_nil_id(pipe):
    text = "The builder Wa1ter Pennyfeather signed first. Later Walter Pennyfeather signed again."
    damaged, clean = _linked(pipe, text, "Wa1ter Pennyfeather"), _linked(pipe, text, "Walter Pennyfeather")
    assert damaged["entity_id"] == clean["entity_id"] == "nil:walter-pennyfeather"
    assert damaged["text"] == "Wa1ter Pennyfeather"


def test_a_title_finds_the_woman_of_a_damaged_surname(pipe):
    text = "Leon Trotsky spoke for an hour, and Mrs. Tr0tsky took notes."
    assert _linked(pipe, text, "Tr0tsky")["entity_id"] == "natalia-sedova"


def test_a_rejoined_damaged_word_the_model_calls_an_organisation_is_a_known_person(blank, knowledge):
    doc = tagged(blank, "Even Sta1in agreed.")
    merge_split_words(doc, OCR)
    doc.ents = [Span(doc, 1, 2, label="ORG")]
    assert [t for t, _, _ in people(blank, knowledge, doc)] == ["Sta1in"]


# -- names an OCR column wrapped over a line end ---------------------------------------------------

COLUMN = (
    "The hearing opened at ten in the morning and the\n"
    "commission sat in the long room facing Leon\n"
    "Trotsky, who answered for six hours without a pause\n"
    "and without notes, while the police kept the gate.\n"
)
LIST = "Witnesses:\nJoseph\nStalin\nAlbert\nGoldman\n"  # one name a line, as long as the others


def test_only_the_breaks_of_full_lines_are_wrapped(blank):
    doc = blank.make_doc(COLUMN)
    assert wrapped_breaks(doc, 0.75) == frozenset(t.i for t in doc if "\n" in t.text)
    text = "Short head\nThe hearing opened at ten in the morning and the\ncommission sat facing the\n\ngate."
    doc = blank.make_doc(text)
    assert [doc[k - 1].text for k in sorted(wrapped_breaks(doc, 0.75))] == ["the"]  # not the heading, not \n\n


def test_a_known_name_wrapped_over_a_full_line_is_one_person(blank, knowledge):
    found = people(blank, knowledge, tagged(blank, COLUMN))
    start, end = find(COLUMN, "Leon\nTrotsky")
    assert ("Leon\nTrotsky", start, end) in found


def test_a_name_on_each_of_two_whole_lines_is_not_joined(blank, knowledge):
    doc = tagged(blank, LIST)
    assert len(wrapped_breaks(doc, 0.75)) == 5  # every line is as long as the others
    found = [t for t, _, _ in people(blank, knowledge, doc)]
    assert "Joseph\nStalin" not in found and "Albert\nGoldman" not in found


def test_a_damaged_unknown_word_after_a_title_is_a_person(blank, knowledge):
    text = "The guard was Sergeant Ha11oran, and Sergeant Company stood by."
    found = [t for t, _, _ in people(blank, knowledge, tagged(blank, text))]
    assert found == ["Ha11oran"]  # Company is no damaged word
